"""The self-evaluation form (`notebooks/02_selvevaluering.ipynb`, served as a Voilà app).

`SelfEvalApp` has two parts: the form (respondent, half year, one Accordion section per principle with
its score and free-text items, "Gem kladde" and "Indsend") and "Teamets opsummering" (the summary
table with disagreements highlighted, and the trend chart). Choosing a respondent and half year loads
their draft or submitted answer, so submitting again edits it; all validation, storage and history
happen in `workbench.selfeval`.
"""

from __future__ import annotations

import datetime as dt
import html

import ipywidgets as w

from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.report.figures import selfeval_trend_png
from workbench.report.text_da import disagreement_note, selfeval_summary
from workbench.selfeval.answers import (
    SelfEvaluation,
    check_respondent,
    current_answer,
    new_evaluation,
    period_dirs,
    respondents,
)
from workbench.selfeval.form import ADHERENCE, FormItem, load_form
from workbench.selfeval.period import Period
from workbench.selfeval.store import save_draft, submit
from workbench.selfeval.summary import summary_table
from workbench.ui.widgets.common import StatusLine, reports_errors

DISAGREEMENT_COLOUR = "#fde2e1"
_HELP = "color:#555555;font-size:90%;margin:0 0 4px 0"
_REQUIRED = '<span style="color:#b00020" title="skal udfyldes">*</span>'


def _item_html(item: FormItem) -> str:
    mark = f" {_REQUIRED}" if item.required else ""
    help_text = f'<div style="{_HELP}">{html.escape(item.help)}</div>' if item.help else ""
    return f'<div style="margin-top:10px"><b>{html.escape(item.label)}</b>{mark}</div>{help_text}'


class SelfEvalApp:
    """The support team's half-yearly form and its own summary."""

    def __init__(self, project: Project, today: dt.date | None = None):
        self.project = project
        self.status = StatusLine()
        self._loaded = False  # the widgets hold a stored answer (so choosing someone new clears them)
        try:
            self._build(today or dt.date.today())
        except WorkbenchError as exc:  # a broken form or folder: say what to fix instead of a traceback
            self.status.error(exc)
            self.widget = w.VBox([
                w.HTML("<h2>Selvevaluering</h2><p>Formularen kan ikke vises, før denne fejl er rettet:</p>"),
                self.status.widget,
            ])

    def _build(self, today: dt.date) -> None:
        project = self.project
        self.form = load_form(project)
        codebook = project.codebook
        current = Period.containing(today)
        periods = sorted({current, current.previous()} | {p for p, _ in period_dirs(project)}, reverse=True)
        self.respondent = w.Combobox(
            options=respondents(project), placeholder="fx AK", ensure_option=False, continuous_update=False,
            description="Initialer eller pseudonym *", style={"description_width": "initial"},
        )
        self.period = w.Dropdown(
            options=[(p.label, str(p)) for p in periods], value=str(current), description="Halvår *",
        )

        self.scores: dict[tuple[str, str], w.ToggleButtons] = {}
        self.texts: dict[tuple[str, str], w.Textarea] = {}
        sections = []
        for principle in self.form.principles:
            code = codebook.code(principle)
            children: list[w.Widget] = [
                w.HTML(f'<p style="margin:0"><i>{html.escape(code.statement or code.name)}</i></p>')
            ]
            for item in self.form.items:
                children.append(w.HTML(_item_html(item)))
                if item.kind == "score":
                    scale = self.form.scale_of(item)
                    control = w.ToggleButtons(
                        options=[(f"{step} {scale.labels[step]}", step) for step in scale.steps], value=None,
                        tooltips=[scale.labels[step] for step in scale.steps], style={"button_width": "auto"},
                    )
                    self.scores[(principle, item.key)] = control
                else:
                    control = w.Textarea(layout=w.Layout(width="95%", height="6em"))
                    self.texts[(principle, item.key)] = control
                children.append(control)
            sections.append(w.VBox(children))
        self.sections = w.Accordion(
            children=sections, titles=tuple(codebook.code(p).label for p in self.form.principles), selected_index=0
        )

        self.save_button = w.Button(description="Gem kladde", icon="save", tooltip="Gem og gør færdig senere")
        self.submit_button = w.Button(description="Indsend", icon="check", button_style="primary")

        score_items = self.form.score_items
        self.summary_item = w.Dropdown(
            options=[(i.heading, i.key) for i in score_items],
            value=ADHERENCE if self.form.item(ADHERENCE) else score_items[0].key if score_items else None,
            description="Spørgsmål",
        )
        self.summary_html = w.HTML()
        self.trend_image = w.Image(format="png", layout=w.Layout(max_width="900px"))

        self.widget = w.VBox([
            w.HTML(f"<h2>{html.escape(self.form.title)}</h2><p>{html.escape(self.form.intro)}</p>"),
            w.HBox([self.respondent, self.period]),
            w.HTML(f'<div style="{_HELP}">{html.escape(self.form.respondent_help)}</div>'),
            w.HTML(f'<div style="{_HELP}">Felter markeret med {_REQUIRED} skal udfyldes, før du kan indsende.</div>'),
            self.sections,
            w.HBox([self.save_button, self.submit_button]),
            self.status.widget,
            w.HTML("<h2>Teamets opsummering</h2>"),
            self.summary_item,
            self.summary_html,
            self.trend_image,
        ])

        self.respondent.observe(self._on_choice, "value")
        self.period.observe(self._on_choice, "value")
        self.save_button.on_click(lambda _: self.save())
        self.submit_button.on_click(lambda _: self.submit())
        self.summary_item.observe(lambda _: self.refresh_summary(), "value")
        self.refresh_summary()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # -- the form

    def answers(self) -> dict[str, dict[str, object]]:
        """What the widgets hold, as answers[principle][item]; unanswered items are left out."""
        answers: dict[str, dict[str, object]] = {}
        for (principle, key), control in self.scores.items():
            if control.value is not None:
                answers.setdefault(principle, {})[key] = control.value
        for (principle, key), control in self.texts.items():
            if control.value.strip():
                answers.setdefault(principle, {})[key] = control.value.strip()
        return answers

    def _fill(self, evaluation: SelfEvaluation | None) -> None:
        for (principle, key), control in self.scores.items():
            control.value = evaluation.value(principle, key) if evaluation else None
        for (principle, key), control in self.texts.items():
            control.value = (evaluation.value(principle, key) or "") if evaluation else ""

    @reports_errors
    def _on_choice(self, _change=None) -> None:
        if not (self.respondent.value or "").strip():
            return
        name = check_respondent(self.respondent.value)
        period = Period.parse(self.period.value)
        existing = current_answer(self.project, self.form, period, name)
        if existing is None:
            if self._loaded:  # don't carry someone else's answers over to a new respondent
                self._fill(None)
            self._loaded = False
            self.status.info(f"Ny besvarelse for {name}, {period.label}. Husk at gemme undervejs.")
            return
        self._fill(existing)
        self._loaded = True
        when = f"{existing.saved:%d.%m.%Y kl. %H:%M}" if existing.saved else ""
        if existing.is_submitted:
            self.status.info(
                f"Din indsendte besvarelse fra {when} er hentet. Ret den og indsend igen; den tidligere version gemmes."
            )
        else:
            self.status.info(f"Din kladde fra {when} er hentet. Gør den færdig og indsend, når du er klar.")

    def _evaluation(self) -> SelfEvaluation:
        return new_evaluation(check_respondent(self.respondent.value or ""), self.period.value, self.answers())

    @reports_errors
    def save(self) -> None:
        evaluation = self._evaluation()
        save_draft(self.project, evaluation)
        self._loaded = True
        self.status.saved("kladden er gemt. Den tæller først med i opsummeringen, når du indsender.")

    @reports_errors
    def submit(self) -> None:
        evaluation = self._evaluation()
        missing = evaluation.missing(self.form)
        if missing:  # open the first section with a missing answer; the library refuses and lists them all
            self.sections.selected_index = self.form.principles.index(missing[0][0])
        submit(self.project, evaluation)
        self._loaded = True
        self.status.saved("besvarelsen er indsendt. Tak! Du kan rette den og indsende igen.")
        self.respondent.options = respondents(self.project)
        self.refresh_summary()

    # -- the team's summary

    def refresh_summary(self) -> None:
        try:
            table = summary_table(self.project)
            image = selfeval_trend_png(self.project, self.summary_item.value) if not table.empty else b""
        except WorkbenchError as exc:
            self.summary_html.value = f'<span style="color:#b00020">⚠ {html.escape(str(exc))}</span>'
            self.trend_image.value = b""
            return
        rows = table[table["item"] == self.summary_item.value]
        if rows.empty:
            self.summary_html.value = "<i>Der er endnu ingen indsendte besvarelser at vise.</i>"
            self.trend_image.value = b""
            return
        shown = selfeval_summary(rows).drop(columns="Spørgsmål")
        styled = shown.style.hide(axis="index").set_table_styles(
            [{"selector": "td, th", "props": "padding: 2px 12px; text-align: left"}]
        ).apply(
            lambda row: [f"background-color:{DISAGREEMENT_COLOUR}" if row["Uenighed"] else "" for _ in row], axis=1
        )
        self.summary_html.value = styled.to_html() + f'<div style="{_HELP}">{html.escape(disagreement_note())}</div>'
        self.trend_image.value = image
