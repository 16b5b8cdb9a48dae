"""Text contrast of the web interface's colours (#15 item 12), computed from accord.css.

WCAG 2.1's contrast ratio (relative luminance of sRGB colours) of each pair of text and
background colour the pages use must be at least 4.5:1 (AA for normal text). The colours are
read from the stylesheet, so changing one there is what this test checks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "broker" / "web" / "static" / "accord.css").read_text()
AA = 4.5

VARIABLES = dict(re.findall(r"(--[a-z-]+):\s*(#[0-9a-fA-F]{3,6})\s*;", CSS))
RULES = re.findall(r"([^{}]+)\{([^{}]*)\}", re.sub(r"/\*.*?\*/", "", CSS, flags=re.S))


def colour(value: str) -> str:
    """A CSS colour as #rrggbb: a hex literal, `#fff`, or `var(--name)` of one."""
    value = value.strip()
    named = re.fullmatch(r"var\((--[a-z-]+)\)", value)
    if named:
        value = VARIABLES[named[1]]
    if value in {"white", "#fff"}:
        return "#ffffff"
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", value), value
    return value.lower()


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((luminance(colour(foreground)), luminance(colour(background))))[::-1]
    return (lighter + 0.05) / (darker + 0.05)


def declared(selector: str, prop: str) -> str:
    """The value `prop` has in the rule for exactly `selector` (the last such rule)."""
    values = [
        m[1]
        for selectors, body in RULES
        if selector in [s.strip() for s in selectors.split(",")]
        for m in re.finditer(rf"(?:^|;)\s*{re.escape(prop)}:\s*([^;]+)", body)
    ]
    assert values, f"{selector} sets no {prop}"
    return values[-1].strip()


HEADER = declared(".site-header", "background")

# (what it is, text colour, background colour) for every text the pages show.
PAIRS = [
    ("body text", "var(--text)", "#fff"),
    ("body text in code and table heads", "var(--text)", "var(--surface)"),
    ("muted text and details", "var(--muted)", "#fff"),
    ("muted text on a grey surface", "var(--muted)", "var(--surface)"),
    ("links", "var(--link)", "#fff"),
    ("links on a grey surface", "var(--link)", "var(--surface)"),
    ("verified badge", "var(--ok)", "var(--ok-bg)"),
    ("failed badge", "var(--bad)", "var(--bad-bg)"),
    ("unverified badge and changed paths", "var(--unknown)", "var(--unknown-bg)"),
    ("failures and required marks on white", "var(--bad)", "#fff"),
    ("successes on white", "var(--ok)", "#fff"),
    ("header text and links", declared(".site-header", "color"), HEADER),
    ("the role in the header", declared(".role", "color"), HEADER),
    ("buttons", declared("button", "color"), declared("button", "background")),
    (
        "buttons under the pointer",
        declared("button", "color"),
        declared("button:hover", "background"),
    ),
    ("a changed interaction's label", declared(".diff-changed .change-label", "color"), "#fff"),
    ("the header's sign-out button", declared(".link-button", "color"), HEADER),
    (
        "the sign-out button under the pointer",
        declared(".link-button:hover", "color"),
        declared(".link-button:hover", "background"),
    ),
    ("the skip link", "var(--link)", declared(".skip-link", "background")),
]


@pytest.mark.parametrize(("what", "foreground", "background"), PAIRS, ids=[p[0] for p in PAIRS])
def test_text_contrast_is_at_least_4_5_to_1(what: str, foreground: str, background: str) -> None:
    ratio = contrast(foreground, background)
    assert ratio >= AA, f"{what}: {foreground} on {background} is {ratio:.2f}:1"


def test_every_rule_setting_both_colours_has_enough_contrast() -> None:
    """Any rule with its own text and background colour (badges, notices…) passes too."""
    checked = 0
    for selectors, body in RULES:
        fg = re.search(r"(?:^|;)\s*color:\s*([^;]+)", body)
        bg = re.search(r"(?:^|;)\s*background(?:-color)?:\s*([^;]+)", body)
        if fg is None or bg is None or "transparent" in bg[1]:
            continue
        ratio = contrast(fg[1], bg[1])
        assert ratio >= AA, f"{selectors.strip()}: {fg[1]} on {bg[1]} is {ratio:.2f}:1"
        checked += 1
    assert checked >= 6  # the badges, notices, changed paths, buttons…


def test_the_computation_matches_known_ratios() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just under AA
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
