"""Named entities (PER, LOC, ORG) from a trained Danish spaCy pipeline, when one is installed.

None is required, and none can be downloaded here. The pipeline is the one named by the
environment variable WORKBENCH_NER_MODEL (a package name or a folder written by nlp.to_disk), or
else the first installed of da_core_news_lg, _md and _sm. A pipeline that is installed but cannot
be loaded, or that has no entity recogniser, is reported (ner_status) instead of being skipped
in silence; the rule-based detectors run either way.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbench.anonymity.scan import Scan

ENV_MODEL = "WORKBENCH_NER_MODEL"
_PACKAGES = ("da_core_news_lg", "da_core_news_md", "da_core_news_sm")
_KINDS = {"PER": "navn", "PERSON": "navn", "ORG": "institution", "LOC": "adresse", "GPE": "adresse"}
_UNUSED = ["parser", "lemmatizer", "attribute_ruler", "morphologizer", "tagger", "senter"]


@dataclass(frozen=True)
class NerStatus:
    model: str | None  # the pipeline in use, None when there is none
    error: str | None  # a Danish sentence when a pipeline is there but cannot be used

    @property
    def label(self) -> str:
        if self.model:
            return f"spaCy-NER ({self.model})"
        return "spaCy-NER: fejl" if self.error else "spaCy-NER: ikke installeret"


def external_ner(scan: Scan) -> None:
    nlp, _ = _pipeline()
    if nlp is None:
        return
    lex = scan.lex
    for ent in nlp(scan.work).ents:
        kind = _KINDS.get(ent.label_)
        if not kind or scan.inside_allowed(ent.start_char, ent.end_char):
            continue
        words = [t for t in ent if t.is_alpha]
        if not words or all(lex.is_common(t.lower_) or lex.is_known_proper(t.text) for t in words):
            continue
        scan.add(7, ent.start_char, ent.end_char, kind)


def ner_status() -> NerStatus:
    return _pipeline()[1]


def reset() -> None:
    """Look for a pipeline again (after WORKBENCH_NER_MODEL changed)."""
    _pipeline.cache_clear()


@lru_cache(maxsize=1)
def _pipeline() -> tuple[Any, NerStatus]:
    wanted = os.environ.get(ENV_MODEL, "").strip()
    candidates = [wanted] if wanted else [name for name in _PACKAGES if importlib.util.find_spec(name) is not None]
    if not candidates:
        return None, NerStatus(None, None)
    name = candidates[0]
    try:
        import spacy

        nlp = spacy.load(name, exclude=_UNUSED)
    except Exception as exc:  # noqa: BLE001 - any failure of a broken install is reported, not raised
        return None, NerStatus(
            None,
            f"Den danske spaCy-model {name} er installeret, men kan ikke indlæses ({type(exc).__name__}: {exc}). "
            "Navnegenkendelsen er slået fra; de regelbaserede søgninger kører stadig. Geninstallér modellen "
            f"eller fjern den (eller ret {ENV_MODEL}).",
        )
    if not any(pipe in nlp.pipe_names for pipe in ("ner", "entity_ruler")):
        return None, NerStatus(
            None,
            f"spaCy-modellen {name} har ingen navnegenkendelse (ner). Navnegenkendelsen er slået fra; "
            "de regelbaserede søgninger kører stadig.",
        )
    return nlp, NerStatus(str(name), None)
