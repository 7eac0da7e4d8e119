"""The script panel: what to say now, what comes next, and the FAQ answers that fit the caller.

An intake or call screen docks it on the right and calls `show()` whenever the call's stage,
category or fields change. It is self-contained (its CSS is in `DEFAULT_CSS`), has no timers, and
never reads user text as markup: every value goes in as plain text through `Content.assemble`.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from hotline.i18n import t
from hotline.scripts import ScriptLibrary, Template, render_parts

_HEADING = "bold $text-accent"
_MISSING = "bold reverse $warning"


class ScriptPanel(VerticalScroll, can_focus=False):
    """Wording for the current stage of a call, filled with the call's variables."""

    DEFAULT_CSS = """
    ScriptPanel {
        width: 36;
        height: 1fr;
        padding: 0 1;
        background: $surface;
        border-left: solid $primary 40%;
        scrollbar-size-vertical: 1;
    }
    ScriptPanel > Static {
        width: 1fr;
        margin-bottom: 1;
    }
    ScriptPanel > #script-notice {
        background: $error-muted;
        padding: 0 1;
    }
    ScriptPanel > #script-next {
        color: $text-muted;
    }
    ScriptPanel > .-empty {
        display: none;
    }
    """

    def __init__(
        self,
        library: ScriptLibrary,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.library = library
        self.stage: str | None = None
        """The stage shown last (after `show()`), or None before the first call."""
        self.template: Template | None = None
        """The template shown as "now say", if there is one."""
        self.now_text = ""
        """The filled wording shown as "now say", as plain text (`‹name›` for a gap)."""
        self.faq: list[Template] = []
        """The FAQ answers suggested last."""
        self._request: tuple[str, dict[str, str], str, str | None, bool, str | None, str] | None = (
            None
        )

    def compose(self) -> ComposeResult:
        yield Static(id="script-notice", classes="-empty", markup=False)
        yield Static(id="script-now", classes="-empty", markup=False)
        # FAQ answers before the preview of the next stage: while the caller is describing a
        # problem the answer matters more than what comes after it.
        yield Static(id="script-faq", classes="-empty", markup=False)
        yield Static(id="script-next", classes="-empty", markup=False)

    def on_mount(self) -> None:
        if self._request is not None:
            self._paint(*self._request)

    def show(
        self,
        stage: str,
        variables: Mapping[str, str],
        *,
        locale: str,
        category: str | None = None,
        after_hours: bool = False,
        notice: str | None = None,
        faq_text: str = "",
        template_id: str | None = None,
    ) -> None:
        """Show the wording for `stage`, filled with `variables`.

        Args:
            stage: the call's stage (one of `hotline.scripts.STAGES`).
            variables: values for `{company}`, `{customer}`, `{eta}`… (missing ones show `‹name›`).
            locale: the language to speak in (`zh_CN` or `en`).
            category: the call's category; wording written for it wins over the generic one.
            after_hours: a greeting becomes the off-hours greeting.
            notice: an outage notice; when given, the outage apology is shown on top.
            faq_text: the caller's words (symptom, description) to rank FAQ answers by.
            template_id: a particular template of the stage to show (the read-back of one
                field, the unsatisfied-customer wording); the stage's usual one when absent.
        """
        self._request = (stage, dict(variables), locale, category, after_hours, notice, faq_text,
                         template_id)
        if self.is_mounted:
            self._paint(*self._request)

    def _paint(
        self,
        stage: str,
        variables: Mapping[str, str],
        locale: str,
        category: str | None,
        after_hours: bool,
        notice: str | None,
        faq_text: str,
        template_id: str | None = None,
    ) -> None:
        library = self.library
        template = library.get(template_id, locale) if template_id else None
        if template is None:
            template = library.for_stage(stage, locale, category=category,
                                         after_hours=after_hours)
        shown_stage = template.stage if template is not None else stage
        self.stage = stage
        self.template = template

        notice_widget = self.query_one("#script-notice", Static)
        if notice:
            outage = library.for_stage("outage", locale, category=category)
            filled = {**variables, "notice": notice}
            body = _fill(outage, filled) if outage is not None else Content(notice)
            _put(notice_widget, _section(t("scripts.outage", locale), body))
        else:
            _put(notice_widget, None)

        heading = f"{t('scripts.now_say', locale)} · {_stage_label(shown_stage, locale)}"
        if template is not None:
            now = _fill(template, variables)
        else:
            now = Content(t("scripts.no_template", locale))
        self.now_text = now.plain
        _put(self.query_one("#script-now", Static), _section(heading, now))

        next_widget = self.query_one("#script-next", Static)
        following = library.next_stage(shown_stage)
        next_template = (
            library.for_stage(following, locale, category=category) if following else None
        )
        if following and next_template is not None:
            label = f"{t('scripts.next', locale)} · {_stage_label(following, locale)}"
            _put(
                next_widget, _section(label, _fill(next_template, variables), heading_style="bold")
            )
        else:
            _put(next_widget, None)

        self.faq = library.rank_faq(faq_text, locale, limit=3) if faq_text.strip() else []
        faq_widget = self.query_one("#script-faq", Static)
        if self.faq:
            body = Content.assemble(*_faq_lines(self.faq))
            _put(faq_widget, _section(t("scripts.faq", locale), body))
        else:
            _put(faq_widget, None)
        self.scroll_home(animate=False)


def _put(widget: Static, content: Content | None) -> None:
    """Show `content` in one section of the panel, or hide the section when there is none."""
    widget.update(content if content is not None else "")
    widget.set_class(content is None, "-empty")


def _stage_label(stage: str, locale: str) -> str:
    key = f"scripts.stage.{stage}"
    label = t(key, locale)
    return stage if label == key else label


def _fill(template: Template, variables: Mapping[str, str]) -> Content:
    """The template's text with values as plain text and gaps (`‹name›`) highlighted."""
    return Content.assemble(
        *(
            (piece, _MISSING) if missing else piece
            for piece, missing in render_parts(template, variables)
        )
    )


def _section(heading: str, body: Content, *, heading_style: str = _HEADING) -> Content:
    return Content.assemble((heading, heading_style), "\n", body)


def _faq_lines(faqs: list[Template]) -> list[str | tuple[str, str]]:
    """Numbered titles; the best match also shows its standard answer, ready to read out."""
    parts: list[str | tuple[str, str]] = []
    for number, faq in enumerate(faqs, start=1):
        if number > 1:
            parts.append("\n")
        parts.append((f"{number}. {faq.title}", "bold"))
        if number == 1:
            parts.append("\n")
            parts.append(faq.text)
    return parts
