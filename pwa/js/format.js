// Numbers and times for display, the one place that formats them.
// Times are shown in China time (UTC+8, no daylight saving since 1991) whatever zone the phone
// or the office PC is set to: a session at 14:00 in Chengdu reads 14:00 everywhere, as the
// server's own dates (activity dates, certificates, CSVs) do.

const CHINA_OFFSET_MS = 8 * 3600 * 1000;
const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

function pad(n) {
  return n < 10 ? '0' + n : String(n);
}

/** A number for display: 0.5, 2, 1.25 (at most two decimals, no trailing zeros); '—' for nothing. */
export function num(value) {
  if (value === null || value === undefined || value === '') return '—';
  const n = Number(value);
  return isFinite(n) ? String(Math.round(n * 100) / 100) : '—';
}

/** The parts of an instant (ISO string, Date or ms) in China time; null when it is not one. */
function chinaParts(value) {
  if (value === null || value === undefined || value === '') return null;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (isNaN(ms)) return null;
  const d = new Date(ms + CHINA_OFFSET_MS);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), wd: d.getUTCDay(), hh: d.getUTCHours(), mm: d.getUTCMinutes(), ss: d.getUTCSeconds() };
}

/** This year in China. */
export function thisYear() {
  return chinaParts(Date.now()).y;
}

/** 'YYYY-MM-DD': the day in China of an instant (today when left out). */
export function ymd(value) {
  const p = chinaParts(value === undefined ? Date.now() : value);
  return p ? p.y + '-' + pad(p.m) + '-' + pad(p.d) : '';
}

/** 'HH:MM' in China time. */
export function hm(value) {
  const p = chinaParts(value);
  return p ? pad(p.hh) + ':' + pad(p.mm) : '';
}

/** '2026-03-05 14:05'; '—' for nothing. */
export function fmtDateTime(value) {
  const p = chinaParts(value);
  return p ? p.y + '-' + pad(p.m) + '-' + pad(p.d) + ' ' + pad(p.hh) + ':' + pad(p.mm) : '—';
}

/** '14:05' (with seconds: '14:05:09'); '—' for nothing. */
export function fmtTime(value, withSeconds) {
  const p = chinaParts(value);
  return p ? pad(p.hh) + ':' + pad(p.mm) + (withSeconds ? ':' + pad(p.ss) : '') : '—';
}

/** A session's time: '2026-03-01 09:00–11:00', or both dates when it spans days. */
export function fmtRange(startsAt, endsAt) {
  if (!chinaParts(startsAt) || !chinaParts(endsAt)) return fmtDateTime(startsAt);
  if (ymd(startsAt) === ymd(endsAt)) return ymd(startsAt) + ' ' + hm(startsAt) + '–' + hm(endsAt);
  return fmtDateTime(startsAt) + ' 至 ' + fmtDateTime(endsAt);
}

/** '2026年3月5日（周四）' (the year left out when it is this year). */
export function dateWords(value) {
  const p = chinaParts(value);
  if (!p) return '';
  return (p.y !== thisYear() ? p.y + '年' : '') + p.m + '月' + p.d + '日（周' + WEEKDAYS[p.wd] + '）';
}

/** '14:05' (with seconds: '14:05:09'); '' for nothing. */
export function timeWords(value, withSeconds) {
  return chinaParts(value) ? fmtTime(value, withSeconds) : '';
}

/** '2026-03-05 14:05'; '' for nothing. */
export function dateTimeWords(value) {
  return chinaParts(value) ? fmtDateTime(value) : '';
}

/** A session's time: '3月5日（周四）14:00–16:00', or both ends in full when it spans days. */
export function sessionWhen(session) {
  if (!chinaParts(session.starts_at)) return '';
  if (!chinaParts(session.ends_at)) return dateWords(session.starts_at) + ' ' + timeWords(session.starts_at);
  if (ymd(session.starts_at) === ymd(session.ends_at)) {
    return dateWords(session.starts_at) + ' ' + timeWords(session.starts_at) + '–' + timeWords(session.ends_at);
  }
  return dateWords(session.starts_at) + ' ' + timeWords(session.starts_at) + ' 至 ' + dateWords(session.ends_at) + ' ' + timeWords(session.ends_at);
}

/** The instant a date input ('YYYY-MM-DD') and a time input ('HH:MM') name in China time,
 * as ISO 8601 with its offset ('2026-03-01T09:00:00+08:00'); null when either is not filled in. */
export function chinaInstant(dateText, timeText) {
  const m = /^\d{4}-\d{2}-\d{2}$/.exec(dateText || '');
  const t = /^(\d{2}):(\d{2})/.exec(timeText || '');
  if (!m || !t) return null;
  return m[0] + 'T' + t[1] + ':' + t[2] + ':00+08:00';
}
