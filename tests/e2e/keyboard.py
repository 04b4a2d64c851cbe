"""Keyboard checks for the browser journeys: what Tab and Shift+Tab reach, in which order, and
whether the focused element shows a focus indicator that stands out from what is around it."""

import re
from dataclasses import dataclass
from itertools import pairwise

from playwright.sync_api import Locator, Page

MAX_PRESSES = 80
_RGB = re.compile(r"rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)")
MIN_INDICATOR_CONTRAST = 3.0  # WCAG 2.1 SC 1.4.11: parts of controls need 3:1 against neighbours

# The focused element: a key to compare by, its accessible name (label text, or a button's text),
# where it is on the page and how its focus is drawn. Date inputs keep focus while Tab moves
# through their day, month and year parts, so callers compare keys, not presses.
_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const own = el.getAttribute("aria-label")
    || (el.labels && el.labels.length ? el.labels[0].innerText : "")
    || (["BUTTON", "A"].includes(el.tagName) ? el.innerText : "");
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  let behind = el.parentElement, background = "rgba(0, 0, 0, 0)";
  while (behind) {
    const colour = getComputedStyle(behind).backgroundColor;
    if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") { background = colour; break; }
    behind = behind.parentElement;
  }
  return {
    key: el.id ? "#" + el.id : el.tagName.toLowerCase() + ":" + own.trim(),
    name: own.trim().replace(/\\s+/g, " "),
    top: box.top + window.scrollY, left: box.left + window.scrollX, height: box.height,
    focusVisible: el.matches(":focus-visible")
      || (el.type === "date" && el.matches(":focus-within")),
    outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
    outlineColor: style.outlineColor, boxShadow: style.boxShadow,
    background: background === "rgba(0, 0, 0, 0)" ? "rgb(255, 255, 255)" : background,
  };
}"""


@dataclass(frozen=True)
class Focused:
    """The element that has the keyboard focus."""

    key: str
    name: str
    top: float
    left: float
    height: float
    focus_visible: bool
    outline_style: str
    outline_width: float
    outline_color: str
    box_shadow: str
    background: str

    def indicator_contrast(self) -> float:
        """The best contrast of the focus ring's colours (outline, box shadow) to the background."""
        colours = [self.outline_color] if self.outline_style != "none" else []
        colours += _colours(self.box_shadow)
        return max((contrast(c, self.background) for c in colours), default=1.0)


def focused(page: Page) -> Focused | None:
    """The focused element, or None when nothing (or the body) has focus."""
    found = page.evaluate(_FOCUSED)
    if found is None:
        return None
    return Focused(
        found["key"],
        found["name"],
        found["top"],
        found["left"],
        found["height"],
        found["focusVisible"],
        found["outlineStyle"],
        found["outlineWidth"],
        found["outlineColor"],
        found["boxShadow"],
        found["background"],
    )


def walk(page: Page, start: Locator, stop: Locator, key: str = "Tab") -> list[Focused]:
    """Focus `start`, then press `key` until `stop` has focus: each element reached, once."""
    start.focus()
    reached: list[Focused] = []
    for _ in range(MAX_PRESSES):
        now = focused(page)
        assert now is not None, f"focus left the page after {[f.name for f in reached]}"
        if not reached or reached[-1].key != now.key:
            reached.append(now)
        if stop.evaluate("el => el === document.activeElement"):
            return reached
        page.keyboard.press(key)
    raise AssertionError(f"{key} never reached {stop}: {[f.name for f in reached]}")


def in_reading_order(reached: list[Focused]) -> bool:
    """Whether each element is below the one before it, or beside it to the right."""
    for before, after in pairwise(reached):
        same_row = abs(after.top - before.top) < min(before.height, after.height) / 2
        if not (after.left > before.left if same_row else after.top > before.top):
            return False
    return True


def _channel(value: float) -> float:
    value /= 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def _luminance(colour: str) -> float:
    red, green, blue = (float(v) for v in _RGB.findall(colour)[0][:3])
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def _colours(css: str) -> list[str]:
    """The opaque rgb()/rgba() colours in a computed CSS value such as a box-shadow list."""
    return [f"rgb({r}, {g}, {b})" for r, g, b, alpha in _RGB.findall(css) if alpha in ("", "1")]


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two computed colours, "rgb(r, g, b)" or "rgba(r, g, b, a)"."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
