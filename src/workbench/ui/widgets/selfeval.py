"""The self-evaluation form (`notebooks/02_selvevaluering.ipynb`, served as a Voilà app).

`SelfEvalApp` has two parts: the form (who, half year, one Accordion section per principle with its
score and free-text items, "Gem kladde" and "Indsend") and "Teamets opsummering" (the summary table with
disagreements highlighted, and the trend chart, both suppressed below the project's minimum number of
respondents). The summary is a closed section computed when it is opened: it needs pandas, matplotlib and
the report's text and charts, which would more than double the form's first load (`bench/browser.py`).
Who answers comes from the hub login when there is one; without a hub the respondent types their initials,
and opening their answers again needs the personal code they got at their first save.
Nobody sees a list of colleagues. All validation, storage and history happen in `workbench.selfeval`.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path

import ipywidgets as w

from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.project.identity import Identity, hub_identity
from workbench.selfeval.access import check_code, create_code, has_code
from workbench.selfeval.answers import (
    SelfEvaluation,
    answer_path,
    check_respondent,
    current_answer,
    new_evaluation,
    period_dirs,
)
from workbench.selfeval.form import ADHERENCE, FormItem, load_form
from workbench.selfeval.period import Period
from workbench.selfeval.store import (
    AnswerConflict,
    Answers,
    Saved,
    answer_version,
    merge_answers,
    personal_data,
    save_draft,
    submit,
)
from workbench.ui.widgets.common import StatusLine, reports_errors

DISAGREEMENT_COLOUR = "#fde2e1"
_HELP = "color:#555555;font-size:90%;margin:0 0 4px 0"
_REQUIRED = '<span style="color:#b00020" title="skal udfyldes">*</span>'
# A phone is 390 px wide: the form stacks, each 1-5 scale stays on one line and buttons are finger-sized. Widths
# come from here, not from widget layouts: ipywidgets gives every widget a 2 px margin, so `width: 100%` sticks out
# of the form by that margin and the form's own overflow cuts the field's right edge off.
_CSS = """<style>
.wb-form { max-width: 820px; }
.wb-form .widget-html-content { line-height: 1.45; }  /* ipywidgets' 28 px lines spread a phone's intro thin */
.wb-form .wb-scale .widget-toggle-button { min-width: 44px; width: 44px; height: 44px; margin: 0 4px 0 0; }
.wb-form .wb-scale { flex-wrap: nowrap !important; }
.wb-form .wb-buttons .jupyter-button { height: 44px; min-width: 130px; }
.wb-form .wb-field { width: auto; max-width: 360px; }
.wb-form .widget-textarea { width: auto; }
.wb-form textarea { width: 100% !important; }
.wb-form .wb-summary td, .wb-form .wb-summary th { padding: 2px 8px; text-align: left; white-space: normal; }
.wb-form .wb-summary .widget-html-content { white-space: normal; line-height: 1.4; }
.wb-form .wb-trend { width: auto; max-width: min(900px, calc(100% - 4px)); height: auto; }
.wb-status { position: sticky; bottom: 0; background: #ffffff; padding: 6px 0; z-index: 10; }
.wb-status .widget-html-content { overflow-wrap: anywhere; }  /* a file name is one long word */
@media (max-width: 600px) {
  .wb-form .wb-field { flex-wrap: wrap; height: auto !important; }  /* the label above the field, not beside it */
  .wb-form .wb-field .widget-label { width: 100% !important; text-align: left; margin-bottom: 2px; }
  .wb-form .wb-field input, .wb-form .wb-field select { flex: 1 1 100%; height: var(--jp-widgets-inline-height); }
  .wb-form .wb-summary table { font-size: 80%; }
  .wb-form .wb-summary td, .wb-form .wb-summary th { padding: 2px 3px; }
}
</style>"""


def _item_html(item: FormItem) -> str:
    mark = f" {_REQUIRED}" if item.required else ""
    help_text = f'<div style="{_HELP}">{html.escape(item.help)}</div>' if item.help else ""
    return f'<div style="margin-top:10px"><b>{html.escape(item.label)}</b>{mark}</div>{help_text}'


class SelfEvalApp:
    """The support team's half-yearly form and its own summary."""

    def __init__(self, project: Project, today: dt.date | None = None, identity: Identity | None = None):
        self.project = project
        self.identity_given = identity
        self.status = StatusLine()
        self._loaded = False  # the widgets hold a stored answer (so choosing someone new clears them)
        # what the widgets started from: (respondent, half year, file version, its answers), so a save made in
        # another window in between is merged instead of overwritten
        self._base: tuple[str, str, str, Answers] | None = None
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
        self.identity: Identity | None = self.identity_given or hub_identity(project.settings)
        if self.identity is not None and self.identity.role != "support":
            self.identity = None  # an evaluator trying the form answers as anyone would, with initials and a code
        # no list of initials: nobody should learn from the form who else has answered
        self.respondent = w.Text(
            value=self.identity.respondent if self.identity else "", placeholder="fx AK", continuous_update=False,
            description="Dine initialer eller dit pseudonym *", style={"description_width": "initial"},
            disabled=self.identity is not None,
        )
        self.code = w.Password(
            placeholder="fx K7QM-2XPA", description="Din personlige kode", style={"description_width": "initial"},
            layout=w.Layout(display="none"),
        )
        self.open_button = w.Button(description="Åbn mine svar", icon="unlock", layout=w.Layout(display="none"))
        self.period = w.Dropdown(
            options=[(p.label, str(p)) for p in periods], value=str(current), description="Halvår *",
        )
        for field in (self.respondent, self.code, self.period):
            field.add_class("wb-field")
        self._unlocked: set[str] = set()  # respondents whose code was typed in this session

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
                        options=[(str(step), step) for step in scale.steps], value=None,
                        tooltips=[scale.labels[step] for step in scale.steps],
                    )
                    control.add_class("wb-scale")
                    self.scores[(principle, item.key)] = control
                    first, last = scale.steps[0], scale.steps[-1]
                    children.append(w.HTML(
                        f'<div style="{_HELP}">{first} = {html.escape(scale.labels[first])} … '
                        f'{last} = {html.escape(scale.labels[last])}</div>'
                    ))
                else:
                    control = w.Textarea(layout=w.Layout(height="6em"))
                    self.texts[(principle, item.key)] = control
                children.append(control)
            sections.append(w.VBox(children))
        self.sections = w.Accordion(
            children=sections, titles=tuple(codebook.code(p).label for p in self.form.principles), selected_index=0
        )
        self.sections.add_class("wb-principles")

        self.save_button = w.Button(description="Gem kladde", icon="save", tooltip="Gem og gør færdig senere")
        self.submit_button = w.Button(description="Indsend", icon="check", button_style="primary")

        score_items = self.form.score_items
        self.summary_item = w.Dropdown(
            options=[(i.heading, i.key) for i in score_items],
            value=ADHERENCE if self.form.item(ADHERENCE) else score_items[0].key if score_items else None,
            description="Spørgsmål",
        )
        self.summary_item.add_class("wb-field")
        self.summary_html = w.HTML()
        self.summary_html.add_class("wb-summary")
        self.trend_image = w.Image(format="png")
        self.trend_image.add_class("wb-trend")
        self.summary = w.Accordion(  # closed: computed when opened, so the form's first load stays light
            children=[w.VBox([self.summary_item, self.summary_html, self.trend_image])],
            titles=("Teamets opsummering",), selected_index=None,
        )
        who = w.HTML(
            f'<div style="{_HELP}">Du er logget ind som <b>{html.escape(self.identity.login)}</b>; dine svar gemmes '
            f"under pseudonymet <b>{html.escape(self.identity.respondent or '')}</b>, og kun du kan se dem.</div>"
            if self.identity else f'<div style="{_HELP}">{html.escape(self.form.respondent_help)}</div>'
        )
        buttons = w.HBox([self.save_button, self.submit_button], layout=w.Layout(flex_flow="row wrap"))
        buttons.add_class("wb-buttons")
        self.status.widget.add_class("wb-status")
        self.widget = w.VBox([
            w.HTML(f"<h2>{html.escape(self.form.title)}</h2><p>{html.escape(self.form.intro)}</p>"),
            self.respondent, who, w.HTML(_CSS), self.code, self.open_button, self.period,
            w.HTML(f'<div style="{_HELP}">Felter markeret med {_REQUIRED} skal udfyldes, før du kan indsende.</div>'),
            self.sections,
            buttons,
            self.status.widget,
            self.summary,
        ])
        self.widget.add_class("wb-form")

        self.open_button.on_click(lambda _: self._on_open())
        self.respondent.observe(self._on_choice, "value")
        self.period.observe(self._on_choice, "value")
        self.save_button.on_click(lambda _: self.save())
        self.submit_button.on_click(lambda _: self.submit())
        self.summary_item.observe(lambda _: self.refresh_summary(), "value")
        self.summary.observe(lambda _: self.refresh_summary(), "selected_index")
        if self.identity is not None:  # logged in: their own answer for the half year is there at once
            self._on_choice()

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

    def _shown(self, path: Path | None) -> Path | None:
        """A file as the person can tell it: inside the project, from the project folder (selfeval/2025-H2/AK.yaml)."""
        if path is not None and path.is_relative_to(self.project.root):
            return path.relative_to(self.project.root)
        return path

    def _unreadable(self, exc: WorkbenchError) -> WorkbenchError:
        return WorkbenchError(
            f"{exc.message} Dine svar kan ikke hentes, og formularen gemmer ikke oven i filen; bed evaluator om at "
            f"rette den.", self._shown(exc.path), exc.line,
        )

    def _answers_of(self, evaluation: SelfEvaluation | None) -> Answers:
        """An answer file's answers as the widgets hold them (the form's items, texts stripped)."""
        answers: Answers = {}
        for principle, key in [*self.scores, *self.texts]:
            value = evaluation.value(principle, key) if evaluation else None
            if value is not None:
                answers.setdefault(principle, {})[key] = value
        return answers

    def _fill(self, evaluation: SelfEvaluation | None, answers: Answers | None = None) -> None:
        answers = self._answers_of(evaluation) if answers is None else answers
        for (principle, key), control in self.scores.items():
            control.value = answers.get(principle, {}).get(key)
        for (principle, key), control in self.texts.items():
            control.value = answers.get(principle, {}).get(key) or ""

    def _needs_code(self, name: str) -> bool:
        return self.identity is None and name not in self._unlocked and has_code(self.project, name)

    @reports_errors
    def _on_choice(self, _change=None) -> None:
        if not (self.respondent.value or "").strip():
            return
        name = check_respondent(self.respondent.value)
        if self._needs_code(name):
            if self._loaded:  # never leave one person's answers on screen for another
                self._fill(None)
                self._loaded = False
            self.code.layout.display = self.open_button.layout.display = None
            self.status.info(f"{name} har allerede svar. Skriv din personlige kode og tryk «Åbn mine svar».")
            return
        self.code.layout.display = self.open_button.layout.display = "none"  # asked for someone typed before
        self._load(name)

    @reports_errors
    def _on_open(self) -> None:
        name = check_respondent(self.respondent.value or "")
        check_code(self.project, name, self.code.value)
        self._unlocked.add(name)
        self.code.value = ""
        self.code.layout.display = self.open_button.layout.display = "none"
        self._load(name)

    def _load(self, name: str) -> None:
        period = Period.parse(self.period.value)
        version = answer_version(answer_path(self.project, period, name))  # before reading: a change between is
        try:                                                                # seen as a conflict, never missed
            existing = current_answer(self.project, self.form, period, name)
        except WorkbenchError as exc:  # a broken file: show nobody else's answers, and never save over it
            if self._loaded:
                self._fill(None)
            self._loaded = False
            self._base = None
            raise self._unreadable(exc) from exc
        self._base = (name, str(period), version, self._answers_of(existing))
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
        name = check_respondent(self.respondent.value or "")
        if self._needs_code(name):
            raise WorkbenchError(f"{name} har allerede svar. Skriv din personlige kode og tryk «Åbn mine svar» først.")
        return new_evaluation(name, self.period.value, self.answers())

    def _new_code_text(self, name: str) -> str:
        """The first save without a login creates the respondent's personal code, shown this once."""
        if self.identity is not None or has_code(self.project, name):
            return ""
        code = create_code(self.project, name)
        self._unlocked.add(name)
        return f" Din personlige kode er {code}. Skriv den ned: du skal bruge den for at åbne dine svar igen."

    def _store(self, store: Callable[..., Saved], evaluation: SelfEvaluation) -> Saved | None:
        """Save with `store` (save_draft or submit) over the version the widgets started from; None on a conflict,
        which merges the other version into the widgets and says what to check."""
        key = (evaluation.respondent, str(evaluation.period))
        # nothing read for this answer (its file was unreadable): a file there now is another version to merge
        replaces = self._base[2] if self._base is not None and self._base[:2] == key else ""
        try:
            saved = store(self.project, evaluation, replaces=replaces)
        except AnswerConflict as conflict:
            self._merge_in(conflict, evaluation)
            return None
        except WorkbenchError as exc:
            if exc.path == answer_path(self.project, evaluation.period, evaluation.respondent):
                raise self._unreadable(exc) from exc
            raise
        self._base = (*key, saved.version, self.answers())
        self._loaded = True
        return saved

    def _merge_in(self, conflict: AnswerConflict, evaluation: SelfEvaluation) -> None:
        base = self._base[3] if self._base is not None else {}
        theirs = self._answers_of(conflict.theirs)
        merged, clashes = merge_answers(base, self.answers(), theirs)
        notes = []
        headings = {item.key: item.heading for item in self.form.items}  # the widgets hold the form's items only
        for clash in clashes:  # an answer given on either side stays on screen: nothing is lost by the merge
            heading = f"{clash.principle} {headings[clash.item]}"
            given = merged.setdefault(clash.principle, {})
            if clash.mine is None:
                given[clash.item] = clash.theirs
                notes.append(f"{heading}: tomt her, men besvaret det andet sted; det svar står nu i feltet")
            elif clash.theirs is None:
                notes.append(f"{heading}: dit svar er beholdt; det andet sted er feltet tomt")
            elif (clash.principle, clash.item) in self.texts:
                given[clash.item] = f"{clash.mine}\n\n(Den anden version:)\n{clash.theirs}"
                notes.append(f"{heading}: begge tekster står nu i feltet")
            else:
                notes.append(f"{heading}: dit svar {clash.mine} er beholdt; den anden version har {clash.theirs}")
        self._fill(None, merged)
        self._base = (evaluation.respondent, str(evaluation.period), conflict.version, theirs)
        self.status.error(WorkbenchError(
            f"{conflict.message} Formularen viser nu begge versioner flettet sammen: dine ændringer og det, der blev "
            f"gemt det andet sted." + "".join(f"\n– {note}" for note in notes)
            + "\nSe svarene igennem, og tryk «Gem kladde» eller «Indsend» igen.", self._shown(conflict.path),
        ))

    @reports_errors
    def save(self) -> None:
        evaluation = self._evaluation()
        if self._store(save_draft, evaluation) is None:
            return
        code = self._new_code_text(evaluation.respondent)
        found = personal_data(self.project, evaluation)
        if found:  # the draft is kept, but marked until the text is fixed: a submission would be refused
            self.status.warn(
                "kladden er gemt, men teksten kan indeholde personoplysninger. Skriv om, før du indsender:\n"
                + "\n".join(found) + code
            )
            return
        self.status.saved("kladden er gemt. Den tæller først med i opsummeringen, når du indsender." + code)

    @reports_errors
    def submit(self) -> None:
        evaluation = self._evaluation()
        missing = evaluation.missing(self.form)
        if missing:  # open the first section with a missing answer; the library refuses and lists them all
            self.sections.selected_index = self.form.principles.index(missing[0][0])
        code = ""
        if missing or personal_data(self.project, evaluation):
            # refused, but nothing typed is lost: it is saved as a draft first, then the library says why
            if self._store(save_draft, evaluation) is None:
                return
            code = self._new_code_text(evaluation.respondent)
            try:
                self._store(submit, evaluation)
            except WorkbenchError as refused:
                raise WorkbenchError(f"Dine svar er gemt som kladde. {refused.message}{code}", refused.path,
                                     refused.line) from refused
        elif self._store(submit, evaluation) is None:
            return
        code += self._new_code_text(evaluation.respondent)
        self.status.saved("besvarelsen er indsendt. Tak! Du kan rette den og indsende igen." + code)
        self.refresh_summary()

    # -- the team's summary

    def refresh_summary(self) -> None:
        """Compute and draw the summary of the chosen item, if the section is open (else when it is opened)."""
        if self.summary.selected_index is None:
            return
        # imported here, not at the top: the first paint of the form must not wait for pandas and matplotlib
        from workbench.report.figures import selfeval_trend_png
        from workbench.report.text_da import disagreement_note, selfeval_summary, selfeval_suppression_note
        from workbench.selfeval.summary import DisagreementLimits, summary_table

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
        if rows["suppressed"].all():
            self.summary_html.value = (
                f"<i>{html.escape(selfeval_suppression_note(self.project.settings.min_respondents))}</i>"
            )
            self.trend_image.value = b""
            return
        shown = selfeval_summary(rows).drop(columns="Spørgsmål")
        # on a phone the median column gives way (the mean and the range stay), so the table fits 390 px
        wide_only = shown.columns.get_loc("Median")
        styled = shown.style.hide(axis="index").apply(  # padding: .wb-summary in _CSS, narrower on a phone
            lambda row: [f"background-color:{DISAGREEMENT_COLOUR}" if row["Uenighed"] else "" for _ in row], axis=1
        )
        notes = disagreement_note(DisagreementLimits.of(self.project))
        if rows["suppressed"].any():
            notes += " " + selfeval_suppression_note(self.project.settings.min_respondents)
        phone = f"<style>@media (max-width: 600px) {{ .wb-summary .col{wide_only} {{ display: none; }} }}</style>"
        self.summary_html.value = styled.to_html() + phone + f'<div style="{_HELP}">{html.escape(notes)}</div>'
        self.trend_image.value = image
