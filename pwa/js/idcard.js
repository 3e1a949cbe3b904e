// Resident identity card numbers (GB 11643-1999), checked in the browser as the user types:
// 17 digits + a check character; the same rules as server/services/idcard.py.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The check character for the first 17 digits. */
export function checkChar(first17) {
  let total = 0;
  for (let i = 0; i < 17; i += 1) total += Number(first17.charAt(i)) * WEIGHTS[i];
  return CHECK.charAt(total % 11);
}

/** What the user typed, tidied: no spaces, upper-case X. */
export function normalizeId(raw) {
  return String(raw || '')
    .replace(/\s+/g, '')
    .toUpperCase();
}

function pad(n) {
  return (n < 10 ? '0' : '') + n;
}

/**
 * Check an ID number. Returns {ok: true, value, birthDate: 'YYYY-MM-DD', sex: '男' | '女'}
 * or {ok: false, partial, error}: partial is true while it may still become valid (still typing).
 */
export function checkIdNumber(raw, today = new Date()) {
  const value = normalizeId(raw);
  if (!value) return { ok: false, partial: true, error: '请输入身份证号。' };
  if (!/^[0-9]{0,17}[0-9X]?$/.test(value) || value.charAt(0) === '0') {
    return { ok: false, partial: false, error: '身份证号只能是 18 位数字，最后一位可以是 X。' };
  }
  if (value.length < 18) return { ok: false, partial: true, error: '身份证号应为 18 位（已输入 ' + value.length + ' 位）。' };
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const birth = new Date(year, month - 1, day);
  const realDate = birth.getFullYear() === year && birth.getMonth() === month - 1 && birth.getDate() === day;
  if (!realDate || year < 1800 || birth > today) return { ok: false, partial: false, error: '身份证号中的出生日期无效。' };
  if (checkChar(value.slice(0, 17)) !== value.charAt(17)) {
    return { ok: false, partial: false, error: '身份证号校验位不正确，请核对后重新输入。' };
  }
  return {
    ok: true,
    value,
    birthDate: year + '-' + pad(month) + '-' + pad(day),
    sex: Number(value.charAt(16)) % 2 === 1 ? '男' : '女',
  };
}
