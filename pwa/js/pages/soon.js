// Placeholder for a screen that is routed but not built yet; its text comes from the route's `soon`.

import { comingSoon, mount, pageTitle } from '../ui.js';

export function render(ctx) {
  const soon = ctx.route.soon;
  ctx.setTitle(soon.title);
  mount(ctx.main, pageTitle(soon.title, 'page-title'), comingSoon(soon.text, soon.href || '/', soon.linkText || '返回首页'));
}
