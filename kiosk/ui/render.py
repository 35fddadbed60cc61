"""Drawing a screen: the core's Screen becomes bars, large text and controls at the body text size.

Nothing is ever shrunk: the recurring controls sit in the bars when they fit there side by side,
else they follow the screen's own controls; labels wrap between words or after a hyphen, and a
word too long for any line is broken with a hyphen.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.widget import Widget

from kiosk.core.pack import N_
from kiosk.core.screens import NAV, TOP, Control, Screen
from kiosk.ui.base import ShellBase
from kiosk.ui.text import break_long_words, pieces, text_width, wrapped
from kiosk.ui.widgets import KioskButton, KioskRoot, TextBlock, TextField

# Help moves up beside Settings where the bottom bar's labels would not fit side by side.
TOP_BAR_IDS = frozenset({"help"})


class RenderMixin(ShellBase):
    """Draws the core's screens (part of KioskApp)."""

    def font_for(self, language: str) -> str:
        """A bold sans-serif font that has the language's letters."""
        if language == "ko" and self._korean_font:
            return self._korean_font
        return self._latin_font

    def render(self, screen: Screen) -> None:
        """Draw `screen`: top bar, scrolling content, navigation bar, all at the body text size.

        The recurring controls sit in the bars when they fit there side by side without
        shrinking a label; otherwise (large text, long words) they follow the screen's own
        controls at the end of the scrolling content, always in the same order.
        """
        previous = self.screen_model
        focused_before = self._current_focus()
        same = previous is not None and previous.name == screen.name \
            and previous.question_id == screen.question_id \
            and previous.language == screen.language
        if not same:
            self.named = set()  # names said on the last screen do not count on this one
            self.trace("appeared", name=screen.name, question=screen.question_id)
            self._keyboard_open = False
            self._keyboard_page = 0
            self._composer.leave()
        self.screen_model = screen
        self.font_name = self.font_for(screen.language)
        self.more_text = self.session.translate(screen.language, N_("More"))
        root: KioskRoot = self.root
        root.top_bar.clear_widgets()
        root.content.clear_widgets()
        root.nav_bar.clear_widgets()
        self.widgets = {}
        self.extra_controls = {}
        self.visual_order = []
        if screen.name == "typing" and self._keyboard_open:
            self._render_keyboard(screen)
        else:
            self._render_screen(screen)

        # The same screen drawn again (a setting changed, a box ticked) keeps focus on the same
        # control, found by id: controls may have appeared before it ("Smaller text").
        self.focus_order = [cid for cid in self.visual_order if cid in self.widgets]
        self.focus_index = -1
        if same and focused_before in self.focus_order:
            self._set_focus(self.focus_order.index(focused_before), announce=False)
        else:
            # A new screen starts at its top, so the question itself is seen first; focus goes
            # to its first own control, and is said once the screen's speech has been said.
            first = next((i for i, cid in enumerate(self.focus_order)
                          if self._control(cid).group not in (TOP, NAV)), -1)
            if screen.name == "question":
                # A question opened again (from Review, or Back) starts on the answer already
                # given: Enter without moving keeps it, rather than choosing the first choice.
                first = next((i for i, cid in enumerate(self.focus_order)
                              if self._control(cid).role == "choice"
                              and self._control(cid).selected), first)
            if first >= 0:
                self._set_focus(first, announce=False, scroll=False)
            root.scroller.scroll_y = 1
        self._render_frame = self._frames
        # The very first frame takes longer: GL starts and fonts load.
        delay = 1.0 if self._first_frame else 0.25
        self._first_frame = False
        Clock.schedule_once(lambda dt: self._after_render(screen), delay)

    def _control(self, control_id: str) -> Control:
        """A control of the screen, or one the shell adds (a key of the on-screen keyboard)."""
        if control_id in self.extra_controls:
            return self.extra_controls[control_id]
        assert self.screen_model is not None
        return self.screen_model.control(control_id)

    def _render_screen(self, screen: Screen) -> None:
        root: KioskRoot = self.root
        font = self.font_px
        width = Window.width
        gap = self.metrics.gap_across
        # Back, Repeat, Help and Skip along the bottom if they fit there side by side at this
        # text size in this language; else Help moves up beside Settings; else (large text)
        # all follow the screen's own controls. The choice depends only on the language and
        # the text size, so a control stays in one place from screen to screen.
        in_bars = False
        top: list[Control] = []
        nav: list[Control] = []
        for upper in ((), TOP_BAR_IDS):
            top = [c for c in screen.controls if c.group == TOP or c.id in upper]
            nav = [c for c in screen.controls if c.group == NAV and c.id not in upper]
            if self._row_width(top) <= width and self._row_width(nav) <= width:
                in_bars = True
                break
        heading = screen.progress or screen.title
        heading_in_bar = False
        if in_bars:
            room = width - self._row_width(top) - gap
            heading_in_bar = self._fits_on_one_line(heading, room)
            block = TextBlock(text=heading if heading_in_bar else " ", font_size=font,
                              valign="middle", size_hint_x=None, width=max(0, room))
            root.top_bar.add_widget(block)
            top_height = self._add_row(root.top_bar, top, share=False)
            nav_height = self._add_row(root.nav_bar, nav)
            root.top_bar.height = max(top_height, block.texture_size[1]) + self.gap_px
            root.nav_bar.height = nav_height + self.gap_px
        else:
            root.top_bar.height = 0
            root.nav_bar.height = 0

        content = root.content
        if not heading_in_bar:
            if screen.progress:
                content.add_widget(self._block(screen.progress))
            content.add_widget(self._block(screen.title))
        elif screen.progress:
            content.add_widget(self._block(screen.title))
        if screen.name in ("listening", "confirm", "typing"):
            # What was heard or typed comes first, then what to do with it: all of it, wrapped.
            draft = screen.draft or ("" if screen.name == "typing" else "…")
            field = TextField(text=self._unbroken(draft, 2 * self.gap_px), plain=draft,
                              font_size=font)
            field.control_id = "answer" if screen.name == "typing" else "heard"
            if screen.name == "typing":
                self.widgets["answer"] = field
                self.visual_order.append("answer")
            content.add_widget(field)
        if screen.note:
            content.add_widget(self._block(screen.note))
        if screen.body and screen.body != screen.title:
            content.add_widget(self._block(screen.body))
        for control in screen.controls:
            if control.group not in (TOP, NAV) and control.enabled and control.id != "answer":
                content.add_widget(self._button(control))
        if not in_bars:
            for control in [*nav, *top]:
                if control.enabled:
                    content.add_widget(self._button(control))
            return
        # Focus follows what is seen: top bar, then the content, then the navigation bar.
        in_bar = {c.id for c in [*top, *nav]}
        self.visual_order = [*(c.id for c in top if c.enabled),
                             *(cid for cid in self.visual_order if cid not in in_bar),
                             *(c.id for c in nav if c.enabled)]

    def _fits_on_one_line(self, text: str, width: float) -> bool:
        return text_width(text, self.font_name, self.font_px) <= width

    def _button_width(self, control: Control) -> float:
        """The narrowest width that holds the label's longest unbreakable part at body size."""
        font_name = self.font_for(control.label_language or self.screen_model.language) \
            if self.screen_model else self.font_name
        widest = max(text_width(p, font_name, self.font_px) for p in pieces(control.label))
        return max(self.metrics.target_across, widest + 2 * self._pad_x() + 4)

    def _pad_x(self) -> float:
        return self.gap_px * 1.2  # a button's padding, as shell.kv draws it

    def _row_width(self, controls: list[Control]) -> float:
        gap = self.metrics.gap_across
        return sum(self._button_width(c) for c in controls) + gap * (len(controls) + 1)

    def _add_row(self, bar: Widget, controls: list[Control], share: bool = True) -> float:
        """Recurring controls side by side, each as wide as its label needs (and, if `share`,
        sharing what is left of the row); an unavailable one keeps its place, so the others
        never move. Returns the row's height: labels wrap (between words, or after a hyphen)
        and are never shrunk."""
        if not controls:
            return 0.0
        gap = self.metrics.gap_across
        widths = [self._button_width(c) for c in controls]
        extra = Window.width - sum(widths) - gap * (len(controls) + 1) if share else 0.0
        height = float(self.metrics.target)
        for control, need in zip(controls, widths, strict=True):
            w = need + max(0.0, extra) / len(controls)
            if control.enabled:
                button = self._button(control, wide=False)
                button.size_hint_x = None
                button.width = w
                button.text = wrapped(button.text, w - 2 * self._pad_x() - 4, self.font_name,
                                      self.font_px)
                button.texture_update()
                height = max(height, button.texture_size[1])
                bar.add_widget(button)
            else:
                bar.add_widget(Widget(size_hint_x=None, width=w))
        for child in bar.children:
            if isinstance(child, KioskButton):
                child.min_height = height
        return height

    def _content_width(self) -> float:
        return float(Window.width - 3 * self.gap_px)  # the content's padding: 1 left, 2 right

    def _unbroken(self, text: str, inset: float) -> str:
        """Text whose words all fit a content line less `inset` (see break_long_words)."""
        return break_long_words(text, self._content_width() - inset, self.font_name,
                                self.font_px)

    def _block(self, text: str) -> TextBlock:
        return TextBlock(text=self._unbroken(text, 0), plain=text, font_size=self.font_px)

    def _button(self, control: Control, wide: bool = True) -> KioskButton:
        text = control.label
        if control.role == "choice":
            text = ("● " if control.selected else "○ ") + text
        elif control.role == "checkbox":
            text = ("☑ " if control.selected else "☐ ") + text
        button = KioskButton(text=text, control_id=control.id, selected=bool(control.selected),
                             wide=wide, font_size=self.font_px, plain=text,
                             min_height=self.metrics.target)
        if control.label_language:
            button.font_name = self.font_for(control.label_language)
        if wide:
            button.text = break_long_words(text, self._content_width() - 2 * self._pad_x() - 4,
                                           button.font_name, self.font_px)
        button.bind(on_release=lambda b: self.touched(b.control_id))
        self.widgets[control.id] = button
        self.visual_order.append(control.id)
        return button

    def _flipped(self, *args: Any) -> None:
        self._frames += 1

    def _after_render(self, screen: Screen) -> None:
        if screen is not self.screen_model:
            return
        if self._frames < self._render_frame + 2:
            # Not yet drawn as laid out (a busy or slow machine): a picture now would show
            # the last screen, or nothing. A still screen draws no more frames of itself
            # (a keyboard page turned after a key was typed waited here for ever): ask for one.
            Window.canvas.ask_update()
            Clock.schedule_once(lambda dt: self._after_render(screen), 0.1)
            return
        if self.options.screenshots:
            self.shots += 1
            name = f"{self.shots:02d}-{screen.name}"
            if screen.question_id:
                name += f"-{screen.question_id}"
            self._save_pages(screen, name, 0, partial(self._rendered, screen))
        else:
            self._rendered(screen)

    def _rendered(self, screen: Screen) -> None:
        """The screen is drawn (and photographed): trace it, then the rehearsal's next step."""
        if screen is not self.screen_model:
            return
        if self._trace_file:  # measuring every label is for tests and rehearsals only
            self._trace_screen(screen)
        if self._steps:
            Clock.schedule_once(lambda dt: self._next_step(), 0.05)
        elif self.options.rehearsal is not None:
            self.stop()
