"""Colour themes and sizes for large print. No Kivy here, so tests can check the numbers directly.

Every theme keeps text at 7:1 contrast or more against its background (WCAG 1.4.6 AAA) and the
focus outline and control edges at 3:1 or more (1.4.11). A selected choice is shown inverted and
marked with a symbol, so nothing depends on colour alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

RGB = tuple[float, float, float]


def hex_colour(code: str) -> RGB:
    """'#FFFF00' as (1.0, 1.0, 0.0)."""
    code = code.lstrip("#")
    return (int(code[0:2], 16) / 255, int(code[2:4], 16) / 255, int(code[4:6], 16) / 255)


def relative_luminance(colour: RGB) -> float:
    """WCAG 2 relative luminance of an sRGB colour with channels from 0 to 1."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG 2 contrast ratio between two colours, from 1 to 21."""
    la, lb = relative_luminance(a), relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


@dataclass(frozen=True)
class Theme:
    """The colours of one theme."""

    name: str
    background: RGB
    text: RGB
    control: RGB  # the face of a button
    focus: RGB  # the focus outline, at least 4 px thick


THEMES: dict[str, Theme] = {
    "yellow-on-black": Theme("yellow-on-black", hex_colour("#000000"), hex_colour("#FFFF00"),
                             hex_colour("#000000"), hex_colour("#00FFFF")),
    "white-on-black": Theme("white-on-black", hex_colour("#000000"), hex_colour("#FFFFFF"),
                            hex_colour("#000000"), hex_colour("#FFFF00")),
    "black-on-cream": Theme("black-on-cream", hex_colour("#FFFBD6"), hex_colour("#000000"),
                            hex_colour("#FFFBD6"), hex_colour("#0033CC")),
}

# Capital letters at least 6 mm tall at the default size (EN 301 549: 0.7 degrees at 50 cm).
CAP_HEIGHT_MM = 6.2
# DejaVu Sans Bold: capital height as a fraction of the font size.
CAP_HEIGHT_PER_EM = 0.729
# The official 7-inch Raspberry Pi panel: 800 x 480 pixels on about 154.2 x 86 mm. Its pixels are
# not square: 5.19 px/mm across but 5.58 px/mm down, so heights are measured with the second.
REFERENCE_PX_PER_MM = 800 / 154.2
REFERENCE_PX_PER_MM_DOWN = 480 / 86.0
TOUCH_TARGET_MM = 16.0  # at least 15 mm, with a margin for rounding
GAP_MM = 2.5
FOCUS_OUTLINE_PX = 6


@dataclass(frozen=True)
class Metrics:
    """Pixel sizes for one window, derived from millimetres on the screen."""

    px_per_mm: float  # across
    font: float  # the default text size in pixels: capitals CAP_HEIGHT_MM tall
    target: float  # the smallest height of a touch target
    gap: float  # between controls, up and down
    px_per_mm_down: float = REFERENCE_PX_PER_MM_DOWN
    target_across: float = 0.0  # the smallest width of a touch target
    gap_across: float = 0.0

    def text(self, factor: float) -> float:
        """The text size at one of the size steps (1.0 to 2.0 times the default)."""
        return round(self.font * factor)

    def cap_height_mm(self, font_px: float) -> float:
        """How tall capitals of a font of this size are on the screen, in millimetres."""
        return font_px * CAP_HEIGHT_PER_EM / self.px_per_mm_down


def metrics_for(width_px: int, height_px: int, screen_width_mm: float | None = None) -> Metrics:
    """Sizes for a window. Without the screen's width, assume the 7-inch panel's pixel pitch,
    scaled up proportionally on larger windows (a 1920x1080 window gets 2.25 times the sizes);
    with it, assume square pixels."""
    if screen_width_mm:
        across = width_px / screen_width_mm
        down = across
    else:
        scale = min(width_px / 800, height_px / 480)
        across = REFERENCE_PX_PER_MM * scale
        down = REFERENCE_PX_PER_MM_DOWN * scale
    font = math.ceil(CAP_HEIGHT_MM * down / CAP_HEIGHT_PER_EM)
    return Metrics(across, font, math.ceil(TOUCH_TARGET_MM * down), math.ceil(GAP_MM * down),
                   down, math.ceil(TOUCH_TARGET_MM * across), math.ceil(GAP_MM * across))
