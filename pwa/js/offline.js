// What a trainee's phone keeps to work offline, saved whenever the network answers (issue 13):
// - 'user': the signed-in user (GET /api/me), so that the shell, home and 学分 open offline
// - 'credits': the last known records of this year (first page) and their effective totals
// The personal code is kept by personal-code.js. Each snapshot says when it was taken, and pages
// that show one say "as of when". Logging out forgets the snapshots (not the personal code).

import { h } from './ui.js';
import { fmtDateTime } from './format.js';

const PREFIX = 'jijiao.offline.';

/** Keep `data` under `name` for the account `accountId`, stamped now. */
export function save(name, accountId, data) {
  try {
    localStorage.setItem(PREFIX + name, JSON.stringify({ at: Date.now(), account: accountId, data }));
  } catch (e) {
    // storage full or disabled: offline use just has less to show
  }
}

/** {at, account, data} for `name` (of `accountId` when given), or null. */
export function read(name, accountId) {
  try {
    const value = JSON.parse(localStorage.getItem(PREFIX + name) || 'null');
    if (!value || typeof value.at !== 'number') return null;
    if (accountId !== undefined && value.account !== accountId) return null;
    return value;
  } catch (e) {
    return null;
  }
}

/** Drop every snapshot (at logout). */
export function forget() {
  try {
    const doomed = [];
    for (let i = 0; i < localStorage.length; i += 1) {
      const key = localStorage.key(i);
      if (key && key.indexOf(PREFIX) === 0) doomed.push(key);
    }
    doomed.forEach((key) => localStorage.removeItem(key));
  } catch (e) {
    // nothing kept
  }
}

/** A request that failed for want of a network (not an answer from the server). */
export function isOffline(error) {
  return Boolean(error) && error.status === 0;
}

/** '离线 · 显示 12-06 10:32 的记录' as a note for the top of a page. */
export function asOfNote(at, what, testid) {
  return h('p', { class: 'msg msg-info offline-note', 'data-testid': testid || 'offline-note' }, '当前离线，显示的是 ' + fmtDateTime(at) + ' 的' + (what || '数据') + '。');
}
