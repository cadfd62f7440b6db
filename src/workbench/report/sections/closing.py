"""The chapter's end: recommendations from `memos/anbefalinger.md` and the reference list (the chapter's own
citation of Patton 2017, then project.yaml's `references`)."""

from __future__ import annotations

from workbench.report.data import ChapterData
from workbench.report.model import BulletList, Section, missing_memo
from workbench.report.sections.blocks import markdown_blocks

RECOMMENDATIONS = "anbefalinger.md"
# what the chapter itself cites (method section); always listed
CITED = ("Patton, Michael Quinn 2017: Principles-Focused Evaluation – The GUIDE, The Guilford Press",)


def recommendations_section(data: ChapterData) -> Section:
    text = data.read_exported(data.project.memos_dir / RECOMMENDATIONS)
    body = "\n".join(line for line in text.splitlines() if not line.startswith("# ")).strip()
    return Section("anbefalinger", "Anbefalinger", markdown_blocks(body) if body else [missing_memo()])


def references_section(data: ChapterData) -> Section:
    entries = list(dict.fromkeys([*data.settings.references, *CITED]))
    # published authors' names are not participants' personal data: the list is not sent to the anonymity scan
    return Section("litteratur", "Litteraturliste", [BulletList(sorted(entries, key=str.lower))])
