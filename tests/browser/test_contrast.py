"""Text contrast where issue 13 found it short: the registration step indicator, WCAG AA 4.5:1.

No account: the registration wizard is public.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# The contrast ratio of each step's text against the first opaque background behind it.
CONTRASTS = """() => {
  const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.length < 4 || c[3] === 1) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  return Array.from(document.querySelectorAll('.stepper-item')).map((el) => {
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    return [el.textContent.trim(), (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
  });
}"""


def test_registration_steps_read_at_4_5_to_1(live_server, phone):
    phone.goto(live_server + "/register")
    phone.locator(".stepper-item").first.wait_for()
    ratios = phone.evaluate(CONTRASTS)
    assert len(ratios) >= 3
    assert [(text, ratio) for text, ratio in ratios if ratio < 4.5] == []
