"""Whether a coder's or respondent's name is a person's full name ("Anne Holm", "Anne_Holm", "anne.holm").

Coder and respondent names travel into logs, file names and every export, so they must be initials
or pseudonyms. A name counts as a full name when at least two of its parts (split at spaces, `_`,
`.`, `-` and CamelCase) read as names: capitalised words ("Anne", "Holm") or words in the name lists
in any case ("anne", "holm"). Initials ("AH"), numbered pseudonyms ("Koder2") and one-word names pass.
"""

from __future__ import annotations

import re

from workbench.anonymity.scan import is_listed_name

_PARTS = re.compile(r"[\s_.\-]+|(?<=[a-zæøåé])(?=[A-ZÆØÅ])")
_CAPITALISED = re.compile(r"^[A-ZÆØÅ][a-zæøåé]+$")


def looks_like_full_name(value: str) -> bool:
    parts = [p for p in _PARTS.split((value or "").strip()) if p]
    if len(parts) < 2:
        return False
    namelike = [p for p in parts if p.isalpha() and len(p) >= 2 and (_CAPITALISED.match(p) or is_listed_name(p))]
    return len(namelike) >= 2
