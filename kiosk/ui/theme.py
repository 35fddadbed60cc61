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
# The official 7-inch Raspberry Pi panel: 800 x 480 pixels on a 154.2 mm wide screen.
REFERENCE_PX_PER_MM = 800 / 154.2
TOUCH_TARGET_MM = 16.0  # at least 15 mm, with a margin for rounding
GAP_MM = 2.5
FOCUS_OUTLINE_PX = 6


@dataclass(frozen=True)
class Metrics:
    """Pixel sizes for one window, derived from millimetres on the screen."""

    px_per_mm: float
    font: float  # the default text size in pixels: capitals CAP_HEIGHT_MM tall
    target: float  # the smallest side of a touch target
    gap: float

    def text(self, factor: float) -> float:
        """The text size at one of the size steps (1.0 to 2.0 times the default)."""
        return round(self.font * factor)


def metrics_for(width_px: int, height_px: int, screen_width_mm: float | None = None) -> Metrics:
    """Sizes for a window. Without the screen's width, assume the 7-inch panel's pixel density,
    scaled up proportionally on larger windows (a 1920x1080 window gets 2.25 times the sizes)."""
    if screen_width_mm:
        px_per_mm = width_px / screen_width_mm
    else:
        px_per_mm = REFERENCE_PX_PER_MM * min(width_px / 800, height_px / 480)
    font = math.ceil(CAP_HEIGHT_MM * px_per_mm / CAP_HEIGHT_PER_EM)
    return Metrics(px_per_mm, font, math.ceil(TOUCH_TARGET_MM * px_per_mm),
                   math.ceil(GAP_MM * px_per_mm))
