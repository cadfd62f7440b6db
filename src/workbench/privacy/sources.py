"""What text each kind of project file carries, as TextSources that name the user's file and line.

Exporters declare every text they put into a file through these helpers, so that the export gate
(privacy/gate.py) can check it and, when it refuses, point the user at the line to fix: a coding
memo at its line in `codings/<coder>.jsonl`, a code's definition at its line in
`codebook/codebook.yaml`, a survey question in `surveys/<name>.yaml`, and so on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from workbench.coding.store import Coding
from workbench.material.corpus import Document
from workbench.privacy.guard import TextSource
from workbench.project import Project
from workbench.selfeval.answers import has_answers
from workbench.selfeval.form import form_path, load_form
from workbench.selfeval.texts import free_texts
from workbench.surveys.load import load_surveys

# The kinds of text that leave the project (TextSource.kind); the test of the export gate plants
# personal data in each kind an exporter declares and proves the export is refused.
DOCUMENT = "dokumenttekst"  # transcript and observation bodies, and excerpts and quotes of them
METADATA = "metadata"  # a document's role and unit (shown in attributions and variables)
SELFEVAL = "selvevalueringstekst"  # the support team's free texts
SELFEVAL_FORM = "selvevalueringsskema"  # item and scale labels of selfeval/form.yaml
CODEBOOK = "kodebogstekst"  # names, statements, definitions and descriptions in the codebook
SURVEY = "spørgeskematekst"  # survey titles, questions and answer labels
MEMO = "memo"  # the analytic memos in memos/
CODING_MEMO = "kodningsmemo"  # a coder's memo on one coding
CODER = "kodernavn"
RESPONDENT = "respondentnavn"  # a self-evaluation respondent's initials or pseudonym
FILE_NAME = "filnavn"  # the name of the exported file itself
KINDS = (DOCUMENT, METADATA, SELFEVAL, SELFEVAL_FORM, CODEBOOK, SURVEY, MEMO, CODING_MEMO, CODER, RESPONDENT,
         FILE_NAME)


def _stamp(path: Path) -> tuple[int, int]:
    """What tells a changed file from the one read before (a log line appended within the same tick too)."""
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=64)  # a few files at a time: the codebook, a survey map, one log
def _lines(path: Path, stamp: tuple[int, int]) -> tuple[str, ...]:
    try:
        return tuple(path.read_text(encoding="utf-8", errors="replace").split("\n"))
    except OSError:
        return ()


def line_in(path: Path, text: str, after: int = 1) -> int:
    """The file line where `text` starts (its first words, as YAML may fold it), from line `after` on; else `after`."""
    try:
        lines = _lines(path, _stamp(path))
    except OSError:
        return after
    words = text.split()[:4]
    if not words:
        return after
    head = " ".join(words)
    for number in range(max(after, 1), len(lines) + 1):
        if head in " ".join(lines[number - 1].split()):
            return number
    first = words[0]
    for number in range(max(after, 1), len(lines) + 1):
        if first in lines[number - 1]:
            return number
    return after


def at(project: Project, path: Path, text: str, kind: str, after: int = 1) -> TextSource:
    """A text of a project file, shown at the line where it stands in that file."""
    return TextSource(project.relative(path), text, line_in(path, text, after), kind)


def document_body(project: Project, document: Document, selfeval: list[TextSource] | None = None) -> list[TextSource]:
    """A document's text: a transcript's body, or a self-evaluation's free texts at their lines in the answers file.

    `selfeval`: the project's self-evaluation texts, when the caller has read them already.
    """
    if document.meta.type == "selfeval":
        relative = project.relative(document.path)
        candidates = [t for t in selfeval if t.path == relative] if selfeval is not None \
            else _selfeval_sources(project, document.path)
        return [t for t in candidates if t.text in document.body]
    return [TextSource(project.relative(document.path), document.body, document.body_line, DOCUMENT)]


def document_excerpt(project: Project, document: Document, start: int, text: str,
                     selfeval: list[TextSource] | None = None) -> TextSource:
    """Part of a document's body (a coded span, a quote) at the file line where it starts.

    `selfeval`: the project's self-evaluation texts, when the caller has read them already.
    """
    if document.meta.type == "selfeval":  # the body joins the answers file's free texts
        relative = project.relative(document.path)
        candidates = [t for t in selfeval if t.path == relative] if selfeval is not None \
            else _selfeval_sources(project, document.path)
        for source in candidates:
            at_offset = source.text.find(text[:40])
            if at_offset >= 0:
                line = source.first_line + source.text.count("\n", 0, at_offset)
                return TextSource(source.path, text, line, SELFEVAL)
        return TextSource(project.relative(document.path), text, 1, SELFEVAL)
    return TextSource(project.relative(document.path), text, document.line_of(start), DOCUMENT)


def _selfeval_sources(project: Project, path: Path) -> list[TextSource]:
    relative = project.relative(path)
    return [t for t in selfeval_texts(project) if t.path == relative]


def document_metadata(project: Project, document: Document) -> list[TextSource]:
    """The free-text fields of the front matter (role, unit) that exports show."""
    return [
        at(project, document.path, str(value), METADATA)
        for name in ("role", "unit") if (value := getattr(document.meta, name))
    ]


@lru_cache(maxsize=16)
def _memo_lines(path: Path, stamp: tuple[int, int]) -> dict[str, int]:
    """Coding id → the last line of the coder's log that set its memo."""
    found: dict[str, int] = {}
    for number, content in enumerate(_lines(path, stamp), start=1):
        if '"memo"' not in content:
            continue
        try:
            event = json.loads(content)
        except ValueError:
            continue
        if isinstance(event, dict) and "memo" in (event.get("fields") or {}):
            found[str(event.get("id"))] = number
    return found


def coding_memo(project: Project, coding: Coding) -> TextSource:
    """A coding's memo at the last log line that set it."""
    path = project.coding_store().path_for(coding.coder)
    try:
        line = _memo_lines(path, _stamp(path)).get(coding.id, 1)
    except OSError:
        line = 1
    return TextSource(project.relative(path), coding.memo, line, CODING_MEMO)


def coder_names(project: Project, coders: Iterable[str]) -> list[TextSource]:
    store = project.coding_store()
    return [TextSource(project.relative(store.path_for(c)), c, 1, CODER) for c in sorted(set(coders))]


def respondent_names(project: Project, answers: Iterable[tuple[Path, str]]) -> list[TextSource]:
    """Respondents' pseudonyms, each at the answers file it names: (path, respondent) pairs."""
    return [TextSource(project.relative(path), name, 1, RESPONDENT) for path, name in sorted(set(answers))]


def memo_file(project: Project, path: Path, text: str) -> TextSource:
    return TextSource(project.relative(path), text, 1, MEMO)


def codebook_texts(project: Project, names_only: bool = False) -> list[TextSource]:
    """Every text of the codebook a person wrote; `names_only`: just the names that label tables."""
    codebook, path = project.codebook, project.codebook_path
    texts = [codebook.title]
    for group in codebook.code_groups:
        texts.append(group.name)
        if not names_only:
            texts.append(group.description or "")
        for code in group.codes:
            texts.append(code.name)
            if not names_only:
                texts += [code.statement or "", code.definition or ""]
    texts += [g.name for g in codebook.respondent_groups]
    if not names_only:
        texts += [g.attribution for g in codebook.respondent_groups]
        texts += [g.coarse_attribution for g in codebook.respondent_groups]
        texts += [q.text for q in codebook.evaluation_questions]
        texts += list(codebook.departmental_goals.values())
    return [at(project, path, text, CODEBOOK) for text in texts if text and text.strip()]


def survey_texts(project: Project) -> list[TextSource]:
    """Titles, sources, populations, time points, questions, answer labels and notes of every survey map."""
    sources: list[TextSource] = []
    for survey in load_surveys(project):
        spec, path = survey.item_map, survey.map_path
        texts = [spec.title, spec.population, spec.source, *(t.label for t in spec.time_points)]
        for item in spec.items:
            texts += [item.question, *item.labels, *item.positive, *item.excluded, item.note or ""]
        sources += [at(project, path, text, SURVEY) for text in dict.fromkeys(texts) if text and text.strip()]
    return sources


def selfeval_texts(project: Project) -> Iterator[TextSource]:
    """The support team's free texts in every answers file, drafts and history included."""
    for text in free_texts(project):
        yield TextSource(project.relative(text.path), text.text, text.line, SELFEVAL)


def selfeval_form_texts(project: Project) -> list[TextSource]:
    if not has_answers(project) and not form_path(project).is_file():
        return []
    form, path = load_form(project), form_path(project)
    texts: list[str] = [form.title]
    for item in form.items:
        texts += [item.label, item.short_label or ""]
    for scale in form.scales.values():
        texts += list(scale.labels.values())
    return [at(project, path, text, SELFEVAL_FORM) for text in dict.fromkeys(texts) if text and text.strip()]


def file_names(paths: Iterable[Path]) -> list[TextSource]:
    """The exported files' own names (a name can carry a coder or a filter value)."""
    return [TextSource(path.name, path.stem, 1, FILE_NAME) for path in paths]


def coding_texts(project: Project, codings: Iterable[Coding]) -> list[TextSource]:
    """What a table of codings shows of each: the coded text, the memo, the document's role and unit, the coder."""
    codings = list(codings)
    documents = {d.id: d for d in project.codable_corpus.documents}
    on_selfeval = any(documents[c.doc_id].meta.type == "selfeval" for c in codings if c.doc_id in documents)
    answers = list(selfeval_texts(project)) if on_selfeval else []
    texts: list[TextSource] = []
    for coding in codings:
        document = documents.get(coding.doc_id)
        if document is not None:
            excerpt = document.body[coding.start : coding.end]
            texts.append(document_excerpt(project, document, coding.start, excerpt, answers))
        if coding.memo:
            texts.append(coding_memo(project, coding))
    for doc_id in sorted({c.doc_id for c in codings}):
        if doc_id in documents:
            texts += document_metadata(project, documents[doc_id])
    return texts + coder_names(project, (c.coder for c in codings))
