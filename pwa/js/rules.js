// The credit rule catalogue on the client (GET /api/credit-rules): labels, the rule's own words
// ("每3小时 授予1分（最高限分10）") and a preview of the credits an entry would earn.
// The server computes the credits it stores; the preview only tells the user what to expect.

import { api } from './api.js';
import { h } from './ui.js';

export const RULE_UNIT = { hour: '小时', day: '天', time: '次', authorship: '作者排名' };
export const UNIT_QUANTITY = { hour: '学时（小时）', day: '天数', time: '次数' };

/** 第一作者（通讯作者）, 第二作者, ...: seed 001 §5.2's words. */
export function authorLabel(position) {
  const words = ['第一作者（通讯作者）', '第二作者', '第三作者', '第四作者', '第五作者'];
  return words[position - 1] || '第' + position + '作者';
}

function round2(n) {
  return Math.round(n * 100) / 100;
}

/** The rule as the catalogue says it; the server's rule_text when it sent one. */
export function ruleText(rule) {
  if (rule.rule_text) return rule.rule_text;
  if (rule.unit === 'authorship') {
    return (rule.author_credits || []).map((c, i) => authorLabel(i + 1) + ' ' + c + '分').join(' ');
  }
  const cap = rule.cap !== null && rule.cap !== undefined ? '（最高限分' + round2(rule.cap) + '）' : '';
  return '每' + round2(rule.unit_size) + (RULE_UNIT[rule.unit] || '') + ' 授予' + round2(rule.credits_per_step) + '分' + cap;
}

/** The author_credits of a rule as numbers (the API sends a list; tolerate "25,15,10"). */
export function authorCredits(rule) {
  const raw = rule.author_credits;
  const list = Array.isArray(raw) ? raw : String(raw || '').split(',');
  return list.map((v) => Number(v)).filter((v) => isFinite(v) && v > 0);
}

/**
 * The credits `rule` gives for `quantity` (hours / days; a 'time' rule counts once) or an author
 * `position`, capped and rounded as the server does ("每3小时 授予1分": 3 hours → 1, 1 hour → 0.33);
 * null when the input is not complete yet.
 */
export function previewCredits(rule, quantity, position) {
  if (!rule) return null;
  let credits;
  if (rule.unit === 'authorship') {
    const table = authorCredits(rule);
    const p = parseInt(position, 10);
    if (!(p >= 1 && p <= table.length)) return null;
    credits = table[p - 1];
  } else {
    const q = rule.unit === 'time' ? 1 : Number(quantity);
    if (!(q > 0)) return null;
    credits = (q * Number(rule.credits_per_step)) / (Number(rule.unit_size) || 1);
  }
  if (rule.cap !== null && rule.cap !== undefined) credits = Math.min(credits, Number(rule.cap));
  return round2(credits);
}

/** What a record of `rule` declared: '3 小时', '2 天', '第二作者' (rule may be null: a bare number). */
export function quantityWords(rule, quantity, authorPosition) {
  if (authorPosition) return authorLabel(authorPosition);
  if (quantity === null || quantity === undefined || quantity === '') return '';
  const n = round2(Number(quantity));
  return rule && RULE_UNIT[rule.unit] && rule.unit !== 'authorship' ? n + ' ' + RULE_UNIT[rule.unit] : String(n);
}

/**
 * A rule's name as people read it (issue 13): the catalogue names each year's copy "2026…", a
 * prefix that says nothing inside a year's list; the internal code is never shown.
 */
export function ruleName(rule) {
  const name = String((rule && (rule.name || rule.rule_name)) || '');
  return name.replace(/^(19|20)\d{2}\s*年?\s*/, '') || name;
}

const cache = new Map();

/**
 * The rules of `year` the caller can use (active only), cached for the page's life.
 * order: 'usage' lists the caller's unit's most used first (the entry form's picker).
 */
export function rulesOfYear(year, order) {
  const key = String(year) + (order === 'usage' ? ':usage' : '');
  if (!cache.has(key)) {
    const request = api('/api/credit-rules', { query: { year, order: order === 'usage' ? 'usage' : undefined } })
      .then((data) => data.items || [])
      .catch((error) => {
        cache.delete(key); // try again next time
        throw error;
      });
    cache.set(key, request);
  }
  return cache.get(key);
}

/** One rule of `year` by code, or null. */
export async function findRule(year, code) {
  const rules = await rulesOfYear(year);
  return rules.find((rule) => rule.code === code) || null;
}

/** Forget cached rules (after an edit of the catalogue). */
export function forgetRules() {
  cache.clear();
}

/** The subtypes of `rules`, in catalogue order, without repeats. */
export function subtypes(rules) {
  const seen = [];
  rules.forEach((r) => {
    if (r.subtype && seen.indexOf(r.subtype) < 0) seen.push(r.subtype);
  });
  return seen;
}

/** A number input for a rule's quantity: tenths for hours, whole days (as the server checks). */
export function quantityInput(value, whole, unit) {
  return h('input', {
    type: 'number',
    inputmode: 'decimal',
    min: whole ? '1' : '0.1',
    step: whole ? '1' : '0.1',
    required: true,
    value: value === null || value === undefined ? '' : String(value),
    'data-required': '请填写' + unit + '（' + (whole ? '整数' : '最多一位小数') + '）。',
  });
}
