// The signed-in user (from GET /api/me) and the role the UI is currently acting in.
// The session itself is the server's HttpOnly cookie; nothing secret is kept here.
// Logging out also drops the personal data pages keep in localStorage (see forgetPersonalData).

import { api, onUnauthorized } from './api.js';
import { ROLE_LABELS, label } from './labels.js';
import { forget as forgetSnapshots } from './offline.js';

/** Roles that manage people (see the 人员 list). */
const ADMIN_ROLES = ['dept_admin', 'unit_admin', 'region_admin'];

let user = null;
let known = false; // whether `user` reflects the server (null then means logged out)
let pending = null;

function forget() {
  user = null;
  known = true;
}

onUnauthorized(forget);

/**
 * The signed-in user, or null when not logged in. Cached (a 401 anywhere marks the user
 * logged out); pass {force: true} to ask the server again.
 * Other errors (network, 5xx) are thrown.
 */
export function loadUser({ force = false } = {}) {
  if (known && !force) return Promise.resolve(user);
  if (pending && !force) return pending;
  const request = api('/api/me', { redirect: false })
    .then((me) => {
      user = me;
      known = true;
      return me;
    })
    .catch((error) => {
      if (error.status === 401) {
        forget();
        return null;
      }
      if (error.code === 'password_change_required') {
        // In case /api/me itself is refused until the password is changed: still route to /password.
        user = { name: '', username: '', roles: [], must_change_password: true };
        known = true;
        return user;
      }
      throw error;
    })
    .finally(() => {
      if (pending === request) pending = null;
    });
  pending = request;
  return request;
}

/** localStorage key of the trainee's personal-code secret (pages/mycode.js). */
export const PERSONAL_CODE_KEY = 'jijiao.personalCode';
/** sessionStorage key prefix of a check-in claim, by session id (pages/checkin.js; shown by pages/login.js). */
export const CLAIM_KEY_PREFIX = 'jijiao.claim.';
/** localStorage key prefix of the people rosters cached for reverse mode (pages/admin-reverse.js). */
export const ROSTER_KEY_PREFIX = 'jijiao.roster.';

/**
 * Remove what this device keeps of people's data: the offline snapshots, the cached rosters and,
 * when asked (a shared phone), the personal-code secret. The personal code stays otherwise: 退出
 * must not take away the code a trainee shows offline. Reverse-mode scans not yet synced
 * ('jijiao.scans.*') stay too: they must never be lost, and the next admin to log in sends them.
 */
function forgetPersonalData(keepPersonalCode) {
  forgetSnapshots();
  try {
    const doomed = [];
    for (let i = 0; i < localStorage.length; i += 1) {
      const key = localStorage.key(i);
      if ((key === PERSONAL_CODE_KEY && !keepPersonalCode) || (key && key.indexOf(ROSTER_KEY_PREFIX) === 0)) doomed.push(key);
    }
    doomed.forEach((key) => localStorage.removeItem(key));
  } catch (e) {
    // storage disabled: nothing was kept
  }
}

/** Log out; {keepPersonalCode: false} also clears the offline personal code from this device. */
export async function logout({ keepPersonalCode = true } = {}) {
  try {
    await api('/api/auth/logout', { method: 'POST', redirect: false });
  } catch (e) {
    // Already logged out or offline: forget the user locally either way.
  }
  forgetPersonalData(keepPersonalCode);
  forget();
}

export function roleKey(role) {
  return role.role + ':' + (role.scope_id === null || role.scope_id === undefined ? '' : role.scope_id);
}

export function roleLabel(role) {
  return label(ROLE_LABELS, role.role);
}

export function isAdminRole(role) {
  return Boolean(role) && ADMIN_ROLES.indexOf(role.role) !== -1;
}

/** A training provider's admin (施教机构): classes and public courses, no people of its own. */
export function isProviderRole(role) {
  return Boolean(role) && role.role === 'provider_admin';
}

const chosenRoles = {}; // user id -> role key, for when localStorage is unavailable

function storageKey(u) {
  return 'jijiao.role.' + u.id;
}

/** The role the UI acts in: the one last chosen on this device, else the first one. */
export function activeRole(u = user) {
  if (!u || !u.roles || u.roles.length === 0) return null;
  let saved = chosenRoles[u.id];
  if (saved === undefined) {
    try {
      saved = localStorage.getItem(storageKey(u));
    } catch (e) {
      saved = null; // storage disabled (private mode, some in-app browsers)
    }
  }
  for (let i = 0; i < u.roles.length; i += 1) {
    if (roleKey(u.roles[i]) === saved) return u.roles[i];
  }
  return u.roles[0];
}

export function setActiveRole(key, u = user) {
  if (!u) return;
  chosenRoles[u.id] = key;
  try {
    localStorage.setItem(storageKey(u), key);
  } catch (e) {
    // Kept in memory only.
  }
}
