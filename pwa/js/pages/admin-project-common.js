// Shared pieces of the CME project pages (seed 001 §3): who may do what, the sub-navigation
// between 项目申报 / 已公布项目 / 代办项目 / 举办统计, and the credit rule a level counts by.
// Not a route of its own. All user data goes into the DOM as text (see ui.js).

import { h } from '../ui.js';

/** What the active role may do with a project (the server checks again). */
export function projectAccess(role, project) {
  const r = role ? role.role : '';
  const scope = role ? String(role.scope_id) : '';
  const dept = r === 'dept_admin' && scope === String(project.department_id);
  const delegated = r === 'dept_admin' && project.delegated_department_id !== null && scope === String(project.delegated_department_id);
  const unit = r === 'unit_admin' && scope === String(project.unit_id);
  const region = r === 'region_admin';
  return { dept, delegated, unit, region };
}

export const EDITABLE = ['draft', 'returned'];

// The national rules an attendee's and a speaker's credits follow (RULES.md, migration jijiao_0102);
// a city-level project counts at the provincial rates (server/services/projects.py says why).
export const LEVEL_RULE_TEXT = {
  provincial: '省级项目：学员每 6 学时授予 1 学分，主讲人每学时 1 学分，每个项目最高 10 学分',
  city: '地市级项目：按省级项目标准，学员每 6 学时授予 1 学分，主讲人每学时 1 学分，每个项目最高 10 学分',
};

const NAV = [
  { href: '/projects', label: '项目申报', name: 'apply' },
  { href: '/projects/published', label: '已公布项目', name: 'published' },
  { href: '/projects/delegated', label: '代办项目', name: 'delegated' },
  { href: '/activity-stats', label: '举办统计', name: 'stats' },
];

/** The row of links between the project pages; `active` names the current one. */
export function projectNav(active) {
  return h(
    'nav',
    { class: 'subnav', 'aria-label': '继教项目', 'data-testid': 'project-nav' },
    NAV.map((item) =>
      h(
        'a',
        { class: 'subnav-link', href: item.href, 'aria-current': item.name === active ? 'page' : null, 'data-testid': 'project-nav-' + item.name },
        item.label,
      ),
    ),
  );
}

/** 'YYYY-MM-DD 至 YYYY-MM-DD' (one date when they are the same day). */
export function dateSpan(from, to) {
  if (!from) return '—';
  return !to || to === from ? from : from + ' 至 ' + to;
}
