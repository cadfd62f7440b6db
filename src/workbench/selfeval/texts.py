"""The free-text answers: as codable documents (one per submitted answer) and, every one of them with its
file line, for the privacy scan."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from workbench.material.corpus import Document, Metadata
from workbench.selfeval.answers import (
    SelfEvaluation,
    answer_files,
    has_answers,
    submitted_files,
)
from workbench.selfeval.form import SelfEvalProject, load_form

# Codable documents: who the free texts come from (a respondent group in the codebook) and how quotes are attributed.
SELFEVAL_GROUP = "supportteam"
SELFEVAL_ROLE = "medarbejder"

_DOC_ID_LETTERS = str.maketrans({"Æ": "AE", "Ø": "OE", "Å": "AA", "æ": "ae", "ø": "oe", "å": "aa"})
_BLOCK_SCALAR = re.compile(r"[|>][-+]?\d?\s*$")


@dataclass(frozen=True)
class FreeText:
    """A free-text answer and the file line it starts on; the privacy layer turns these into text sources."""

    path: Path
    text: str
    line: int


def document_id(evaluation: SelfEvaluation) -> str:
    return f"SE-{evaluation.period}-{evaluation.respondent.translate(_DOC_ID_LETTERS)}"


def codable_documents(project: SelfEvalProject) -> list[Document]:
    """One document per submitted answer: each free-text answer is one paragraph, i.e. one segment.

    The paragraph starts with a short heading ("P1 Familien – Hvad har udfordret:") on the same line, so the
    coder sees what the text answers; line breaks inside an answer are joined so it stays one paragraph.
    """
    if not has_answers(project):
        return []
    form = load_form(project)
    documents = []
    for answer in submitted_files(project, form):
        evaluation = answer.evaluation
        paragraphs = []
        for principle in form.principles:
            name = project.codebook.code(principle).name
            for item in form.text_items:
                text = evaluation.value(principle, item.key)
                if text:
                    paragraphs.append(f"{principle} {name} – {item.heading}: {' '.join(text.split())}")
        if not paragraphs:
            continue
        meta = Metadata(
            id=document_id(evaluation), type="selfeval", group=SELFEVAL_GROUP, role=SELFEVAL_ROLE,
            unit=SELFEVAL_GROUP, date=evaluation.period.end, consent="given",
        )
        documents.append(Document(meta=meta, body="\n\n".join(paragraphs), path=answer.path, body_line=1))
    return documents


def free_texts(project: SelfEvalProject) -> Iterator[FreeText]:
    """Every free text in every answers file (drafts and history too), with the file line it starts on."""
    if not has_answers(project):
        return
    form = load_form(project)
    text_keys = {i.key for i in form.text_items}
    for answer in answer_files(project, form):
        for principle, items in answer.evaluation.answers.items():
            for key, value in items.items():
                if key not in text_keys or not value:
                    continue
                line = answer.doc.line_of(("answers", principle, key))
                # a block scalar ("eksempler: |") starts its text on the next line
                if line is not None and _BLOCK_SCALAR.search(answer.lines[line - 1]):
                    line += 1
                yield FreeText(answer.path, value, line or 1)
