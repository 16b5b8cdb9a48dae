"""Accessibility checks any page test can call (#15 item 12), in Chromium through Playwright.

    from tests.browser.a11y import assert_accessible
    assert_accessible(page)                        # names, text alternatives, 375 px
    reached = assert_keyboard_reaches(page, ["nav[aria-label=Main] a", "main form"])

Each check names what it found wrong, so a failure says which control, image or element.
Accessible names are Chromium's own (its accessibility tree, through the DevTools protocol),
not a guess from the markup: what a screen reader would announce.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

NARROWEST = 375

# Roles a person operates: each must have a name a screen reader can announce.
CONTROL_ROLES = {
    "button",
    "checkbox",
    "combobox",
    "listbox",
    "radio",
    "searchbox",
    "slider",
    "spinbutton",
    "switch",
    "textbox",
    "menuitem",
    "tab",
    "link",
}
IMAGE_ROLES = {"img", "image", "graphics-document", "graphics-symbol", "svgroot"}


def _tree(page: Page) -> list[dict[str, Any]]:
    """Chromium's accessibility tree of the page, every node of it."""
    session = page.context.new_cdp_session(page)
    try:
        session.send("Accessibility.enable")
        nodes: list[dict[str, Any]] = session.send("Accessibility.getFullAXTree")["nodes"]
        return nodes
    finally:
        session.detach()


def _value(node: dict[str, Any], key: str) -> str:
    return str(node.get(key, {}).get("value", "") or "").strip()


def unnamed_controls(page: Page) -> list[str]:
    """The form controls, buttons and links without an accessible name (role and DOM id)."""
    return [
        f"{_value(node, 'role')} (backend node {node.get('backendDOMNodeId')})"
        for node in _tree(page)
        if not node.get("ignored")
        and _value(node, "role") in CONTROL_ROLES
        and not _value(node, "name")
    ]


# Every <img> needs an alt attribute (empty for decoration); every <svg> either a name (role
# img with aria-label, aria-labelledby or a <title>) or aria-hidden="true" (decoration).
_MISSING_ALTERNATIVES = """
() => {
  const problems = [];
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) problems.push('img ' + (img.getAttribute('src') || ''));
  }
  for (const svg of document.querySelectorAll('svg')) {
    if (svg.closest('[aria-hidden="true"]')) continue;
    if (svg.parentElement && svg.parentElement.closest('svg')) continue;  // inside a named svg
    const title = svg.querySelector(':scope > title');
    const named = (svg.getAttribute('aria-label') || '').trim()
      || (svg.getAttribute('aria-labelledby') || '').trim()
      || (title && title.textContent.trim());
    const what = svg.id || svg.getAttribute('class') || svg.outerHTML.slice(0, 60);
    if (!named) problems.push('svg ' + what);
  }
  for (const input of document.querySelectorAll('input[type="image"]')) {
    if (!(input.getAttribute('alt') || '').trim()) problems.push('input[type=image]');
  }
  return problems;
}
"""


def images_without_alternatives(page: Page) -> list[str]:
    """Images and SVGs that have no text alternative and are not marked decorative."""
    found: list[str] = page.evaluate(_MISSING_ALTERNATIVES)
    return found


def sideways_overflow(page: Page, width: int = NARROWEST) -> int:
    """How many pixels wider than `width` the document is at that viewport width (0: fits).

    The viewport is set back to what it was afterwards.
    """
    original = page.viewport_size
    page.set_viewport_size({"width": width, "height": 800})
    try:
        scroll_width: int = page.evaluate("document.documentElement.scrollWidth")
    finally:
        if original is not None:
            page.set_viewport_size(original)
    return max(0, scroll_width - width)


# What the focused element is, and whether its focus is visible: an outline of at least 2 px
# that is not transparent, or a box shadow.
_FOCUSED = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
    && style.outlineColor !== 'rgba(0, 0, 0, 0)' && style.outlineColor !== 'transparent';
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  el.setAttribute('data-a11y-reached', '1');
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 60),
    visible: Boolean(outline || shadow),
  };
}
"""


def tab_through(page: Page, limit: int = 200) -> list[dict[str, Any]]:
    """Press Tab from the top of the page until focus comes round again (or `limit` presses).

    Each focused element is marked with `data-a11y-reached` and described: tag, text, and
    whether its focus style is visible.
    """
    page.evaluate(
        "() => { document.querySelectorAll('[data-a11y-reached]')"
        ".forEach(e => e.removeAttribute('data-a11y-reached'));"
        " if (document.activeElement) document.activeElement.blur(); window.scrollTo(0, 0); }"
    )
    reached: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None:
            break
        if reached and page.evaluate(
            "() => document.activeElement.getAttribute('data-a11y-seen') === '1'"
        ):
            break
        page.evaluate("() => document.activeElement.setAttribute('data-a11y-seen', '1')")
        reached.append(focused)
    page.evaluate(
        "() => document.querySelectorAll('[data-a11y-seen]')"
        ".forEach(e => e.removeAttribute('data-a11y-seen'))"
    )
    return reached


def assert_keyboard_reaches(page: Page, selectors: list[str]) -> list[dict[str, Any]]:
    """Tab reaches each of `selectors` (an element, or one inside it), with a visible focus.

    Returns what Tab reached, in order.
    """
    reached = tab_through(page)
    invisible = [r for r in reached if not r["visible"]]
    assert not invisible, f"focus is not visible on {invisible}"
    missed = [
        selector
        for selector in selectors
        if page.locator(selector).count() == 0
        or not page.evaluate(
            "(s) => [...document.querySelectorAll(s)].some(e =>"
            " e.matches('[data-a11y-reached]') || e.querySelector('[data-a11y-reached]'))",
            selector,
        )
    ]
    assert not missed, f"Tab never reaches {missed}; it reaches {[r['text'] for r in reached]}"
    return reached


def assert_accessible(page: Page) -> None:
    """The page's controls have names, its images text alternatives, and it fits 375 px."""
    unnamed = unnamed_controls(page)
    assert not unnamed, f"{page.url}: controls without an accessible name: {unnamed}"
    missing = images_without_alternatives(page)
    assert not missing, f"{page.url}: images without a text alternative: {missing}"
    overflow = sideways_overflow(page)
    assert overflow == 0, f"{page.url} scrolls sideways at {NARROWEST} px: {overflow} px too wide"
