"""The shell's widgets, styled in shell.kv: large bordered controls, wrapped text, the bars and the
scrolling middle of the screen."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.effects.scroll import ScrollEffect
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView


class KioskButton(ButtonBehavior, Label):
    """A large, bordered control. Selected state is shown inverted AND by a symbol."""

    control_id = StringProperty("")
    focused = BooleanProperty(False)
    selected = BooleanProperty(False)
    wide = BooleanProperty(True)
    min_height = NumericProperty(84)
    plain = StringProperty("")  # the label as written, before long words were broken


class TextBlock(Label):
    """Wrapped, left-aligned large text that grows to its content's height."""

    plain = StringProperty("")


class TextField(Label):
    """The answer being typed, with a visible caret; the shell owns the text."""

    focused = BooleanProperty(False)
    control_id = StringProperty("answer")
    plain = StringProperty("")


class Bar(BoxLayout):
    """The top bar and the navigation bar: recurring controls, always in the same place."""


class KioskRoot(BoxLayout):
    """The whole window: top bar, scrolling content, navigation bar."""

    top_bar = ObjectProperty(None)
    scroller = ObjectProperty(None)
    content = ObjectProperty(None)
    nav_bar = ObjectProperty(None)
    more_lane = ObjectProperty(None)

    def update_lane(self, *args: Any) -> None:
        """Open the "More" lane when the content is taller than the space it would have without
        the lane (so that the lane's own height never keeps it open), else close it."""
        if not (self.content and self.more_lane):
            return
        room = self.height - self.top_bar.height - self.nav_bar.height
        wanted = App.get_running_app().font_px * 1.15 if self.content.height > room + 4 else 0
        if self.more_lane.height != wanted:
            self.more_lane.height = wanted

    def on_touch_down(self, touch: Any) -> bool:
        # Every touch first stops speech and dismisses the idle warning.
        if App.get_running_app().on_touch_anywhere(touch):
            return True
        return bool(super().on_touch_down(touch))

    def on_touch_up(self, touch: Any) -> bool:
        App.get_running_app().on_touch_released(touch)
        return bool(super().on_touch_up(touch))


class StillScroll(ScrollEffect):
    """Scrolling that stops where the finger lifts: no momentum, and no bounce back from a
    velocity guessed from the last few touch samples."""

    def stop(self, val: float, t: float | None = None) -> None:
        """The finger lifted: move with it to `val`, then stay."""
        self.is_manual = False
        if self.history:
            self.apply_distance(val - self.history[-1][1])
        self.velocity = 0


class KioskScroll(ScrollView):
    """The scrolling middle of the screen; shows "▼ More" while there is more below.

    No flinging: the content follows the finger and stops when it lifts, which is far easier
    to control with a tremor or with little sight than momentum scrolling.
    """

    more_below = BooleanProperty(False)

    def __init__(self, **kwargs: Any):
        super().__init__(effect_cls=StillScroll, **kwargs)

    def on_scroll_y(self, instance: Any, value: float) -> None:
        self.update_more()

    def update_more(self, *args: Any) -> None:
        """Whether some content is hidden below the visible part."""
        child = self.children[0] if self.children else None
        hidden = (child.height - self.height) * self.scroll_y if child else 0
        self.more_below = hidden > 4
