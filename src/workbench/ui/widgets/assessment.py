"""The "Vurdering" view (`notebooks/04_vurdering.ipynb`): judging a principle in a round.

Left: round, assessor and principle; per question of principle-focused evaluation a rubric level (the
levels' descriptions shown) and a rationale; the GUIDE criteria the same; the principle's wording for the
round. Right, side by side: the evidence for that principle — codings by respondent group and valence
(split by question where coded), starred quotes, self-evaluation figures and linked survey items — each
with a check box per question to cite it. Below: the agreement between two assessors of the round and a
button to write the consensus. Saving goes through `workbench.judgements.store` (validated, atomic).
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Mapping

import ipywidgets as w

from workbench.errors import WorkbenchError
from workbench.judgements.agreement import assessors_in, round_agreement
from workbench.judgements.development import standing
from workbench.judgements.evidence import (
    CodingEvidence,
    EvidenceIndex,
    SelfevalEvidence,
    SurveyEvidence,
)
from workbench.judgements.model import (
    ASSESSOR,
    CONSENSUS,
    GUIDE,
    GUIDE_LABELS,
    GUIDE_TEXTS,
    QUESTION_LABELS,
    QUESTION_TEXTS,
    QUESTIONS,
    Criterion,
    Judgement,
    QuestionJudgement,
    criterion_label,
)
from workbench.judgements.store import known_assessors, load_assessments, save_judgement
from workbench.lang import numbers
from workbench.project import Project
from workbench.selfeval.period import Period
from workbench.ui.widgets.common import StatusLine, reports_errors

_HELP = "color:#555555;font-size:90%;margin:0 0 4px 0"
_BOX = "border:1px solid #d0d7de;border-radius:4px;padding:6px;margin:4px 0"
SHORT = {"relevans": "R", "efterlevelse": "E", "resultat": "B"}  # check-box labels: Relevans, Efterlevelse, Bidrag


def default_assessor(project: Project, env: Mapping[str, str] | None = None) -> str:
    """The hub user's coder name when project.yaml maps it, else the login itself if it can be an assessor."""
    user = (env if env is not None else os.environ).get("JUPYTERHUB_USER", "")
    if not user:
        return ""
    mapped = project.settings.hub_users.get(user)
    if mapped is not None and mapped.coder:
        return mapped.coder
    return user if ASSESSOR.match(user) else ""


def _esc(text: str) -> str:
    return html.escape(text or "")


def _survey_line(item: SurveyEvidence) -> str:
    points = " → ".join(f"{p.label} {numbers.percent(p.percent) if p.percent is not None else '–'}"
                        f" (n = {p.n_valid})" for p in item.points)
    change = f", {numbers.points(item.change_points)}" if item.change_points is not None else ""
    better = " (lavere er bedre)" if item.lower_is_better else ""
    return f"{item.question}{better}: {points}{change}"


def _selfeval_line(item: SelfevalEvidence) -> str:
    if item.suppressed or item.mean is None or item.median is None:
        return (f"{item.item_label}, {Period.parse(item.period).label}: for få besvarelser til at vise tallene "
                f"(n = {item.n})")
    return (f"{item.item_label}, {Period.parse(item.period).label}: gns. {numbers.decimal(item.mean, 1)}, "
            f"median {numbers.decimal(item.median, 1)}, {item.min}–{item.max} (n = {item.n})")


def _coding_line(item: CodingEvidence, limit: int = 220) -> str:
    text = item.text if len(item.text) <= limit else item.text[:limit].rsplit(" ", 1)[0] + " …"
    question = f", {QUESTION_LABELS[item.question].lower()}" if item.question else ""
    return f"({item.attribution}) {item.valence}{question}: »{text}«"


class AssessmentApp:
    """Judge one principle in one round, with the evidence beside it."""

    def __init__(self, project: Project, env: Mapping[str, str] | None = None, today: dt.date | None = None):
        self.project = project
        self.status = StatusLine()
        self.index = EvidenceIndex(project)
        self.rubric = project.settings.rubric
        self.cite: dict[tuple[str, str], w.Checkbox] = {}  # (reference, question) → check box
        self._extra: dict[str, list[str]] = {}  # cited references not in the lists (kept on save)
        try:
            self._build(env, today or dt.date.today())
        except WorkbenchError as exc:
            self.status.error(exc)
            self.widget = w.VBox([
                w.HTML("<h2>Vurdering</h2><p>Vurderingen kan ikke vises, før denne fejl er rettet:</p>"),
                self.status.widget,
            ])

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # ------------------------------------------------------------------ building

    def _build(self, env, today: dt.date) -> None:
        project = self.project
        self.assessments = load_assessments(project, self.index)
        current = Period.containing(today)
        periods = {str(current), str(current.previous()), *self.assessments.rounds()}
        periods |= {e.period for p in project.codebook.principles for e in self.index.selfeval(p.key)}
        latest = self.assessments.rounds()[-1] if self.assessments.rounds() else str(current)  # pick up where left
        self.round = w.Dropdown(options=[(Period.parse(p).label, p) for p in sorted(periods, reverse=True)],
                                value=latest, description="Runde")
        self.assessor = w.Combobox(
            options=sorted(known_assessors(project)), value=default_assessor(project, env), placeholder="fx NP",
            ensure_option=False, continuous_update=False, description="Bedømmer",
        )
        self.principle = w.Dropdown(options=[(c.label, c.key) for c in project.codebook.principles],
                                    description="Princip")
        self.statement_html = w.HTML()
        self.statement = w.Textarea(placeholder="Ny formulering af princippet i denne runde (tom = uændret)",
                                    layout=w.Layout(width="98%", height="4em"))
        level_options = [(level.label, level.key) for level in self.rubric.levels]
        tooltips = [level.description for level in self.rubric.levels]
        rubric_help = "".join(f"<li><b>{_esc(level.label)}</b>: {_esc(level.description)}</li>"
                              for level in self.rubric.levels)
        self.levels: dict[str, w.ToggleButtons] = {}
        self.rationales: dict[str, w.Textarea] = {}
        self.hints: dict[str, w.HTML] = {}
        self.chosen: dict[str, w.HTML] = {}  # the chosen level's description, so the scale stays visible
        question_boxes: list[w.Widget] = []
        guide_boxes: list[w.Widget] = []
        for key in (*QUESTIONS, *GUIDE):
            self.levels[key] = w.ToggleButtons(options=level_options, value=None, tooltips=tooltips,
                                               style={"button_width": "auto"})
            self.rationales[key] = w.Textarea(placeholder="Begrundelse", layout=w.Layout(width="98%", height="4.5em"))
            self.hints[key] = w.HTML()
            self.chosen[key] = w.HTML()
            self.levels[key].observe(lambda _, key=key: self._show_chosen(key), "value")
            self._show_chosen(key)
            label, text = (QUESTION_LABELS[key], QUESTION_TEXTS[key]) if key in QUESTIONS else (
                GUIDE_LABELS[key], GUIDE_TEXTS[key])
            box = w.VBox([w.HTML(f"<b>{_esc(label)}</b> <span style='{_HELP}'>{_esc(text)}</span>"),
                          self.levels[key], self.chosen[key], self.hints[key], self.rationales[key]])
            (question_boxes if key in QUESTIONS else guide_boxes).append(box)
        self.save_button = w.Button(description="Gem vurdering", icon="save", button_style="primary")
        self.unavailable_html = w.HTML()
        form = w.VBox([
            w.HBox([self.round, self.assessor]), self.principle, self.statement_html,
            w.HTML(f"<details><summary style='{_HELP}'>Niveauerne på skalaen</summary><ul style='{_HELP}'>"
                   f"{rubric_help}</ul></details>"),
            w.HTML("<h3 style='margin:6px 0'>De tre spørgsmål</h3>"), *question_boxes,
            w.HTML("<h3 style='margin:6px 0'>GUIDE: princippets formulering</h3>"), *guide_boxes,
            w.HTML("<b>Formulering i denne runde</b>"), self.statement,
            self.unavailable_html, self.save_button, self.status.widget,
        ], layout=w.Layout(width="56%"))
        self.evidence = w.VBox(layout=w.Layout(width="44%", max_height="1400px", overflow="hidden auto"))
        self.pair_a = w.Dropdown(description="Bedømmer A")
        self.pair_b = w.Dropdown(description="Bedømmer B")
        self.agreement_html = w.HTML()
        self.consensus_button = w.Button(description="Skriv konsensus", icon="handshake-o",
                                         tooltip="Skift til den fælles vurdering for dette princip")
        self.widget = w.VBox([
            w.HTML(f"<p style='{_HELP}'>Vælg runde, bedømmer og princip. Vælg et niveau og skriv en begrundelse for "
                   "hvert spørgsmål, og sæt kryds ved det belæg, vurderingen bygger på (R = relevans, "
                   "E = efterlevelse, B = bidrag til resultater). Vurderingen er din; tallene til højre viser, hvor "
                   "meget et tema fylder, ikke hvor mange der mener noget.</p>"),
            w.HBox([form, self.evidence]),
            w.HTML("<h3>Enighed mellem to bedømmere</h3>"),
            w.HBox([self.pair_a, self.pair_b]), self.agreement_html, self.consensus_button,
        ])
        for control in (self.round, self.assessor, self.principle):
            control.observe(self._on_choice, "value")
        self.pair_a.observe(lambda _: self._show_agreement(), "value")
        self.pair_b.observe(lambda _: self._show_agreement(), "value")
        self.save_button.on_click(lambda _: self.save())
        self.consensus_button.on_click(lambda _: self.start_consensus())
        self._on_choice()

    # ------------------------------------------------------------------ evidence panel

    def _cite_row(self, ref: str, text: str) -> w.Widget:
        boxes = []
        for question in QUESTIONS:
            box = w.Checkbox(value=False, description=SHORT[question], indent=False,
                             tooltip=f"Citér som belæg for {QUESTION_LABELS[question].lower()}",
                             layout=w.Layout(width="40px"))
            box.add_class(f"wb-cite-{question}")
            self.cite[(ref, question)] = box
            boxes.append(box)
        label = w.HTML(f"<span style='font-size:90%'>{_esc(text)}</span>", layout=w.Layout(width="auto"))
        return w.HBox([*boxes, label], layout=w.Layout(align_items="flex-start"))

    def _coding_table_html(self, principle: str) -> str:
        """Codings by respondent group and valence: all of them, and how many the coder tied to each question."""
        rows = self.index.coding_table(principle)
        if not rows:
            return "<i>Ingen kodninger af princippet endnu.</i>"
        cell = "style='text-align:right;padding:0 6px'"
        span: dict[str, int] = {}
        for row in rows:
            span[row.group] = span.get(row.group, 0) + 1
        body, seen = [], set()
        for row in rows:
            group = "" if row.group in seen else f"<td rowspan='{span[row.group]}'>{_esc(row.group)}</td>"
            seen.add(row.group)
            numbers_ = [sum(row.counts.values())] + [row.counts[q] for q in QUESTIONS]
            body.append(f"<tr>{group}<td>{_esc(row.valence)}</td>"
                        + "".join(f"<td {cell}>{n or ''}</td>" for n in numbers_) + "</tr>")
        head = "".join(f"<th {cell} title='{_esc(QUESTION_LABELS[q])}'>{SHORT[q]}</th>" for q in QUESTIONS)
        return (f"<table style='font-size:85%;line-height:1.3'><tr><th>Gruppe</th><th>Valens</th><th {cell}>Alle</th>"
                f"{head}</tr>{''.join(body)}</table>")

    def _build_evidence(self, principle: str) -> None:
        self.cite = {}
        index = self.index
        counts = self._coding_table_html(principle)
        quotes, codings = index.quotes(principle), index.codings(principle)
        selfeval = [e for e in index.selfeval(principle) if e.period <= self.round.value]
        surveys = index.surveys(principle)
        coding_rows = [self._cite_row(c.ref, _coding_line(c)) for c in codings if not c.quote]
        self.evidence.children = [
            w.HTML("<h3 style='margin:6px 0'>Belæg for princippet</h3>"
                   f"<div style='{_HELP}'>Kodninger pr. respondentgruppe og valens (konsensus, ellers primærkoderens); "
                   f"R, E og B: heraf knyttet til spørgsmålet af koderen.</div>{counts}"),
            w.HTML(f"<h4 style='margin:6px 0'>Citater ({len(quotes)})</h4>"),
            *[self._cite_row(q.ref, _coding_line(q, 400)) for q in quotes],
            w.HTML(f"<h4 style='margin:6px 0'>Selvevaluering ({len(selfeval)})</h4>"),
            *[self._cite_row(e.ref, _selfeval_line(e)) for e in selfeval],
            w.HTML(f"<h4 style='margin:6px 0'>Spørgeskemaer ({len(surveys)})</h4>"),
            *[self._cite_row(s.ref, _survey_line(s)) for s in surveys],
            w.Accordion(children=[w.VBox(coding_rows)], titles=(f"Øvrige kodninger ({len(coding_rows)})",)),
        ]

    # ------------------------------------------------------------------ loading and saving

    def _show_chosen(self, key: str) -> None:
        level = self.rubric.level(self.levels[key].value) if self.levels[key].value else None
        self.chosen[key].value = (
            f"<div style='{_HELP}'>✔ <b>{_esc(level.label)}</b>: {_esc(level.description)}</div>" if level
            else f"<div style='{_HELP}'>Ikke vurderet endnu.</div>"
        )

    def _name(self) -> str:
        return (self.assessor.value or "").strip()

    def current(self) -> Judgement | None:
        return self.assessments.get(self.round.value, self._name(), self.principle.value)

    @reports_errors
    def _on_choice(self, _change=None) -> None:
        principle = self.principle.value
        code = self.project.codebook.code(principle)
        self._build_evidence(principle)
        judgement = self.current() if self._name() else None
        self._fill(judgement)
        self.statement_html.value = (f"<p style='margin:2px 0'><i>{_esc(' '.join((code.statement or '').split()))}"
                                     "</i></p>")
        self._show_agreement()
        self._show_hints()
        if not self._name():
            self.status.info("Skriv dine initialer som bedømmer for at begynde.")
        elif judgement is None:
            self.status.info(f"Ny vurdering af {code.label} i {Period.parse(self.round.value).label}.")
        else:
            self.status.info(f"Vurderingen fra {self.project.relative(self._path())} er hentet.")

    def _path(self):
        return self.assessments.paths.get((self.round.value, self._name(), self.principle.value))

    def _fill(self, judgement: Judgement | None) -> None:
        self._extra = {q: [] for q in QUESTIONS}
        for key in (*QUESTIONS, *GUIDE):
            criterion = None
            if judgement is not None:
                criterion = (judgement.questions if key in QUESTIONS else judgement.guide).get(key)
            self.levels[key].value = criterion.level if criterion else None
            self.rationales[key].value = criterion.rationale if criterion else ""
        for box in self.cite.values():
            box.value = False
        self.statement.value = (judgement.statement or "") if judgement else ""
        hidden = self.assessments.unavailable(judgement) if judgement else set()
        for question in QUESTIONS:
            cited = judgement.questions.get(question) if judgement else None
            for ref in cited.evidence if cited else []:
                if (ref, question) in self.cite and ref not in hidden:
                    self.cite[(ref, question)].value = True
                else:
                    self._extra[question].append(ref)  # kept as written, never shown with its text
        reasons = sorted({p.reason for p in self.assessments.problems if judgement and p.ref in hidden
                          and (p.round, p.assessor, p.principle) == (judgement.round, judgement.assessor,
                                                                    judgement.principle)})
        kept = sum(len(refs) for refs in self._extra.values())
        text = ""
        if kept:
            text = f"{kept} henvisning(er) står i filen uden for listerne og bevares, når du gemmer"
            if reasons:
                text += " – kan ikke vises: " + "; ".join(reasons)
        self.unavailable_html.value = f"<div style='{_HELP}'>⚠ {_esc(text)}.</div>" if text else ""

    def judgement(self) -> Judgement:
        """What the widgets hold; criteria with neither level nor rationale are left out."""
        questions, guide = {}, {}
        for key in (*QUESTIONS, *GUIDE):
            level, rationale = self.levels[key].value, self.rationales[key].value.strip()
            if key in QUESTIONS:
                evidence = [ref for (ref, q), box in self.cite.items() if q == key and box.value]
                evidence += [ref for ref in self._extra.get(key, []) if ref not in evidence]
                if level or rationale or evidence:
                    questions[key] = QuestionJudgement(level=level, rationale=rationale, evidence=evidence)
            elif level or rationale:
                guide[key] = Criterion(level=level, rationale=rationale)
        statement = " ".join(self.statement.value.split()) or None
        return Judgement(principle=self.principle.value, round=self.round.value, assessor=self._name(),
                         statement=statement, questions=questions, guide=guide)

    @reports_errors
    def save(self) -> None:
        if not self._name():
            raise WorkbenchError("Skriv dine initialer som bedømmer, før du gemmer.")
        path = save_judgement(self.project, self.judgement(), self.index)
        self.assessments = load_assessments(self.project, self.index)
        self._show_agreement()
        self.status.saved(f"vurderingen er gemt i {self.project.relative(path)}.")

    # ------------------------------------------------------------------ agreement and consensus

    def _show_agreement(self) -> None:
        names = assessors_in(self.assessments.judgements, self.round.value)
        options = [("–", None)] + [(n, n) for n in names]
        for control, pick in ((self.pair_a, 0), (self.pair_b, 1)):
            keep = control.value
            control.options = options
            control.value = keep if keep in names else (names[pick] if len(names) > pick else None)
        a, b = self.pair_a.value, self.pair_b.value
        if not a or not b or a == b:
            self.agreement_html.value = (f"<i>To bedømmere skal have vurderet {Period.parse(self.round.value).label}"
                                         " hver for sig, før enigheden kan vises.</i>")
            return
        result = round_agreement(self.assessments.judgements, self.rubric, self.round.value, a, b)
        labels = {level.key: level.label for level in self.rubric.levels}
        alpha = ("kan ikke beregnes (ingen variation)" if result.alpha is None
                 else numbers.decimal(result.alpha, 2))
        rows = "".join(
            f"<tr><td>{_esc(d.principle)}</td><td>{_esc(criterion_label(d.criterion))}</td>"
            f"<td>{_esc(labels[d.level_a])}</td><td>{_esc(labels[d.level_b])}</td></tr>"
            for d in result.disagreements
        )
        table = (f"<table style='font-size:90%'><tr><th>Princip</th><th>Spørgsmål/kriterium</th><th>{_esc(a)}</th>"
                 f"<th>{_esc(b)}</th></tr>{rows}</table>") if rows else "<i>Ingen uenigheder.</i>"
        self.agreement_html.value = (
            f"<div style='{_BOX}'>Krippendorffs alpha (ordinal): <b>{alpha}</b>, n = {result.n} kriterier vurderet af "
            f"begge, {result.identical} på samme niveau.{table}</div>"
        )

    def _show_hints(self) -> None:
        """For the consensus: what the two assessors chose, beside each criterion (nothing is filled in)."""
        labels = {level.key: level.label for level in self.rubric.levels}
        others = [j for j in self.assessments.in_round(self.round.value)
                  if j.principle == self.principle.value and j.assessor != CONSENSUS]
        for key, hint in self.hints.items():
            if self._name() != CONSENSUS or not others:
                hint.value = ""
                continue
            parts = [f"{_esc(j.assessor)}: {_esc(labels.get(j.level(key) or '', '–'))}" for j in others]
            hint.value = f"<div style='{_HELP}'>{' · '.join(parts)}</div>"

    @reports_errors
    def start_consensus(self) -> None:
        self.assessor.value = CONSENSUS  # loads the consensus for the principle, if there is one
        state = standing(self.assessments.judgements, self.principle.value, self.round.value).state
        self.status.info(f"Fælles vurdering (konsensus) – status nu: {state}. Bedømmernes niveauer står ved hvert "
                         "spørgsmål; vælg og begrund, og gem.")

