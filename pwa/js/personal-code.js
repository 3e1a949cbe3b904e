// The trainee's personal-code secret on this phone (GET /api/me/personal-code), for /my-code to
// compute the rotating code offline. Fetched at login (app.js, in the background) and by /my-code;
// kept across 退出 unless the user asks to clear it (a shared phone), replaced when another
// account logs in.

import { api } from './api.js';
import { PERSONAL_CODE_KEY } from './session.js';

const MIN_CORRECTION_S = 3;

/** {person_id, secret, step, offset, name, account_id} kept on this phone, or null. */
export function loadStored() {
  try {
    const value = JSON.parse(localStorage.getItem(PERSONAL_CODE_KEY) || 'null');
    if (value && typeof value.secret === 'string' && Number.isInteger(value.person_id) && value.step > 0) return value;
  } catch (e) {
    // unavailable or corrupt
  }
  return null;
}

function saveStored(value) {
  try {
    localStorage.setItem(PERSONAL_CODE_KEY, JSON.stringify(value));
  } catch (e) {
    // private mode: works while the page stays open
  }
}

export function clearStored() {
  try {
    localStorage.removeItem(PERSONAL_CODE_KEY);
  } catch (e) {
    // nothing stored
  }
}

/** The phone-clock correction (seconds) from a personal-code answer received at `localNow`. */
function clockOffset(body, localNow) {
  const parts = String(body.payload).split('.');
  const counter = parseInt(parts[2], 10);
  if (!isFinite(counter) || !(body.expires_in > 0)) return 0;
  const serverNow = (counter + 1) * body.step - body.expires_in + 0.5;
  const offset = serverNow - localNow;
  return Math.abs(offset) >= MIN_CORRECTION_S ? Math.round(offset) : 0;
}

/** Ask the server for `user`'s code and keep it; resolves to what was stored. Errors are ApiErrors. */
export async function fetchAndStore(user) {
  const body = await api('/api/me/personal-code', { redirect: false });
  const code = {
    person_id: body.person_id,
    secret: body.secret,
    step: body.step,
    offset: clockOffset(body, Date.now() / 1000),
    name: user.name || user.username || '',
    account_id: user.id,
  };
  saveStored(code);
  return code;
}
