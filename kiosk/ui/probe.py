"""Tracing for tests and rehearsals: one JSON line per event, and for each screen what is drawn
where, measured (boxes, clipped text, the smallest text, the height of capitals).

A kiosk at an event never traces: the trace includes what is said.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.core.screens import NAV, TOP, Screen
from kiosk.ui.base import ShellBase
from kiosk.ui.text import pieces, text_width


class TraceMixin(ShellBase):
    """Tracing and screenshots (part of KioskApp)."""

    def _trace_screen(self, screen: Screen) -> None:
        self.trace("screen", name=screen.name, title=screen.title, language=screen.language,
                   question=screen.question_id, theme=self.settings.theme,
                   text_size=self.settings.text_size, font_px=self.font_px,
                   font=Path(self.font_name).name, controls=self._control_boxes(),
                   reachable=self._control_boxes(partly=True), positions=self._positions(),
                   focus=self._current_focus(), clipped=self._clipped_texts(),
                   smallest_px=self._smallest_label_px(), bars=self.root.nav_bar.height > 0,
                   cap_mm=round(self.metrics.cap_height_mm(self.font_px), 2),
                   keyboard=self._keyboard_open, focus_order=self.focus_order,
                   more=self._more_box(), scroller=self._box(self.root.scroller),
                   shown=[getattr(w, "plain", "") or w.text for w in self._labels()],
                   selected=[c.id for c in screen.controls if c.selected],
                   order=[c.id for c in screen.controls if c.group not in (TOP, NAV)],
                   window=[int(Window.width), int(Window.height)])

    def _labels(self) -> list[Label]:
        return [w for bar in (self.root.top_bar, self.root.content, self.root.nav_bar)
                for w in bar.walk(restrict=True)
                if isinstance(w, Label) and w.text.strip()]

    def _clipped_texts(self) -> list[str]:
        """Texts not wholly drawn: a word wider than its line, lines taller than their box, or a
        box reaching past the window's sides. Should always be none. (The keyboard's answer line
        shows the end of a long answer on purpose: the typing screen shows all of it.)"""
        clipped = []
        for widget in self._labels():
            if widget.shorten:
                continue
            widget.texture_update()
            pad = list(widget.padding)  # [left, top, right, bottom] in Kivy 2.2+, or [x, y]
            left, right = (pad[0], pad[2]) if len(pad) == 4 else (pad[0], pad[0])
            inner = (widget.text_size[0] or widget.width) - left - right
            font_name = widget.font_name
            parts = [p for line in widget.text.split("\n") for p in pieces(line)]
            widest = max(text_width(p, font_name, widget.font_size) for p in parts)
            x = widget.to_window(widget.x, widget.y)[0]
            if widest > inner + 1 or widget.texture_size[1] > widget.height + 1 \
                    or x < -1 or x + widget.width > Window.width + 1:
                clipped.append(widget.text)
        return clipped

    def _smallest_label_px(self) -> float:
        """The smallest text size of any label drawn: never below the body text's."""
        return min((float(w.font_size) for w in self._labels()), default=self.font_px)

    def _box(self, widget: Widget) -> list[int]:
        """A widget's box in window coordinates from the top left: x, y, width, height."""
        x, y = widget.to_window(widget.x, widget.y)
        return [round(x), round(Window.height - (y + widget.height)), round(widget.width),
                round(widget.height)]

    def _positions(self) -> dict[str, list[int]]:
        """Every control's whole box, seen or scrolled out of sight (for a tester to scroll
        towards it, as a person who knows the screen does)."""
        return {cid: self._box(widget) for cid, widget in self.widgets.items()}

    def _more_box(self) -> list[int] | None:
        """Where the "More" cue is drawn, or None when it is not shown."""
        lane = self.root.more_lane
        if lane.height < 1 or not self.root.scroller.more_below:
            return None
        return self._box(lane)

    def _control_boxes(self, partly: bool = False) -> dict[str, list[int]]:
        """Each control's box in window coordinates from the top left, as a tester touches it:
        only controls wholly visible (inside the scrolling area, for those that scroll); with
        `partly`, also the visible part of one that shows at least a touch target's height."""
        scroller = self.root.scroller
        low = scroller.parent.to_window(scroller.x, scroller.y)[1]
        high = low + scroller.height
        boxes = {}
        for cid, widget in self.widgets.items():
            x, y = widget.to_window(widget.x, widget.y)
            bottom, top_y = y, y + widget.height
            scrolls = widget.parent == self.root.content  # kv ids are proxies: not "is"
            if scrolls and not (bottom >= low - 1 and top_y <= high + 1):
                bottom, top_y = max(bottom, low), min(top_y, high)
                if not partly or top_y - bottom < min(widget.height, self.metrics.target) - 1:
                    continue
            boxes[cid] = [round(x), round(Window.height - top_y), round(widget.width),
                          round(top_y - bottom)]
        return boxes

    def _save_pages(self, screen: Screen, name: str, page: int,
                    then: Callable[[], None], top: float | None = None) -> None:
        """With `pages` (rehearsals), one picture per screenful of a screen that scrolls
        (NAME-p1.png, NAME-p2.png..., a line of overlap between them), so staff see every word
        a participant will read; NAME.png when it all fits. Then back where it was scrolled
        to, and `then()`. Without `pages` nothing is scrolled: a person may be scrolling."""
        if screen is not self.screen_model:
            return
        scroller, content = self.root.scroller, self.root.content
        hidden = content.height - scroller.height
        line = self.font_px * 1.3
        step = max(line, scroller.height - line)
        pages = 1 if hidden <= 1 or not self.options.pages else 1 + math.ceil(hidden / step)
        if pages == 1:
            self._photograph(screen, name, 0, 1, then)
            return
        if top is None:
            top = scroller.scroll_y
        if page >= pages:
            scroller.scroll_y = top
            self._render_frame = self._frames
            Clock.schedule_once(lambda dt: self._when_drawn(screen, then), 0.05)
            return
        scroller.scroll_y = max(0.0, 1 - page * step / hidden)
        self._render_frame = self._frames
        # A scroll shows on the next frames: photograph once they are drawn.
        Clock.schedule_once(lambda dt: self._when_drawn(screen, partial(
            self._photograph, screen, name, page, pages, then, top)), 0.05)

    def _photograph(self, screen: Screen, name: str, page: int, pages: int,
                    then: Callable[[], None], top: float | None = None) -> None:
        assert self.options.screenshots is not None
        if pages == 1:
            self.save_screenshot(self.options.screenshots / f"{name}.png")
            then()
            return
        self.save_screenshot(self.options.screenshots / f"{name}-p{page + 1}.png")
        self._save_pages(screen, name, page + 1, then, top)

    def _when_drawn(self, screen: Screen, then: Callable[[], None]) -> None:
        """`then()` once the screen has been drawn twice since the last change (still the
        same screen: a person may have moved on meanwhile)."""
        if screen is not self.screen_model:
            return
        if self._frames < self._render_frame + 2:
            Window.canvas.ask_update()  # a still screen draws no more frames of itself
            Clock.schedule_once(lambda dt: self._when_drawn(screen, then), 0.05)
            return
        then()

    def save_screenshot(self, path: Path) -> Path:
        """Save what the window shows now as a PNG at `path`."""
        path.parent.mkdir(parents=True, exist_ok=True)
        made = Window.screenshot(name=str(path))
        if made:
            Path(made).replace(path)
        return path

    def trace_soon(self, event: str, **fields: Any) -> None:
        """trace() from another thread: written on the UI thread, so lines never interleave."""
        Clock.schedule_once(lambda dt: self.trace(event, **fields))

    def trace(self, event: str, **fields: Any) -> None:
        """One JSON line per event, for tests and rehearsals only: it includes what is said, so a
        kiosk at an event never traces."""
        if self._trace_file:
            self._trace_file.write(json.dumps({"event": event, **fields},
                                              ensure_ascii=False) + "\n")
            self._trace_file.flush()
