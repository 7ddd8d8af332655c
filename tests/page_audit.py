"""What the browser tests measure in a page as a screen reader, a phone and a slow network
would meet it: axe-core's violations, the cumulative layout shift, tap targets too small
for a finger; and the screen sizes they measure at.

axe-core is the one pinned in tools/browser-audit/package-lock.json (``npm ci`` there,
which ``./test`` runs); a test module that injects it calls :func:`require_axe` first.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

TOP = Path(__file__).resolve().parent.parent
AXE = TOP / "tools" / "browser-audit" / "node_modules" / "axe-core" / "axe.min.js"

DESKTOP: ViewportSize = {"width": 1440, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
TABLETS: list[ViewportSize] = [{"width": 768, "height": 1024}, {"width": 1024, "height": 768}]
MAX_LAYOUT_SHIFT = 0.1
MIN_TARGET_PX = 24
NEXT_FRAME = "() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))"
"""Waits a frame after the page is ready, so a shift its last change caused is reported."""

# Records every layout shift from the document's start; installed before any script runs.
LAYOUT_SHIFT_RECORDER = """
window.__layoutShifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    window.__layoutShifts.push({
      value: entry.value,
      sources: (entry.sources || []).map((s) => {
        const node = s.node;
        const name = node && node.nodeType === 1
          ? node.tagName.toLowerCase() + (node.id ? '#' + node.id : '')
            + (node.className && typeof node.className === 'string' ? '.' + node.className : '')
          : String(node && node.nodeName);
        return name + ' ' + JSON.stringify(s.previousRect) + ' -> ' + JSON.stringify(s.currentRect);
      }),
    });
  }
}).observe({ type: 'layout-shift', buffered: true });
"""

# Everything a finger can tap on the page as it shows now that is smaller than 24×24.
SMALL_TARGETS = """(least) => {
  const targets = document.querySelectorAll(
    'button, a.button, summary, input[type=checkbox], input[type=radio], select, input');
  const small = [];
  for (const element of targets) {
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (!box.width || !box.height || style.visibility === 'hidden') continue;
    if (box.width < least || box.height < least) {
      const name = element.id || element.value || element.textContent.trim().slice(0, 30);
      small.push(`${element.tagName.toLowerCase()} ${name}: ${box.width}x${box.height}`);
    }
  }
  return small;
}"""


def require_axe() -> None:
    """Skip the calling test module (or test), saying what to run, when axe-core is missing."""
    if not AXE.is_file():  # pragma: no cover - depends on the machine
        pytest.skip(
            f"{AXE} is missing: run `npm ci` in tools/browser-audit (./test does)",
            allow_module_level=True,
        )


def new_context(browser: Browser, viewport: ViewportSize, phone: bool = False) -> BrowserContext:
    """A browser context of ``viewport`` (a touch screen if ``phone``) that axe-core can be
    injected into: as a script of the page's own, which the test's CSP would refuse."""
    return browser.new_context(viewport=viewport, has_touch=phone, is_mobile=phone, bypass_csp=True)


def axe_violations(page: Page) -> list[str]:
    """What axe-core finds wrong on the page as it is now, one line per element."""
    page.add_script_tag(path=str(AXE))
    results: dict[str, Any] = page.evaluate("() => axe.run(document)")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        f"{', '.join(map(str, node['target']))}: {node.get('failureSummary', '')}"
        for violation in results["violations"]
        for node in violation["nodes"]
    ]


def assert_axe_finds_nothing(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)


def layout_shift(page: Page) -> tuple[float, list[str]]:
    """The cumulative layout shift recorded so far by :data:`LAYOUT_SHIFT_RECORDER`, and
    what moved."""
    shifts: list[dict[str, Any]] = page.evaluate("() => window.__layoutShifts")
    total = sum(float(shift["value"]) for shift in shifts)
    return total, [f"{shift['value']:.4f}: {'; '.join(shift['sources'])}" for shift in shifts]
