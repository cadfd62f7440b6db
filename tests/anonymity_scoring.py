"""Scoring of the anonymity guard on annotated text by character coverage (issue 12).

An item counts as found only when every one of its characters lies inside some finding; a
finding that touches no item is a false finding. Shared by the held-out and development tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from workbench.anonymity import find_personal_data

_GOLD = re.compile(r"\{\{([a-zæøå]+):(.+?)\}\}")


def parse_gold(marked: str) -> tuple[str, list[tuple[str, int, int, str]]]:
    """The plain text and its items (kind, start, end, text) from `{{kind:text}}` markup."""
    out, gold, pos, last = [], [], 0, 0
    for m in _GOLD.finditer(marked):
        out.append(marked[last : m.start()])
        pos += m.start() - last
        item = m.group(2)
        gold.append((m.group(1), pos, pos + len(item), item))
        out.append(item)
        pos += len(item)
        last = m.end()
    out.append(marked[last:])
    return "".join(out), gold


def traits(item: str) -> list[str]:
    """The hard cases an item belongs to, reported beside its kind."""
    found = []
    if item[:1].islower():
        found.append("små bogstaver")
    if item.endswith(("'", "’")) or re.search(r"[^\W\d_]s$", item) and len(item) > 3:
        found.append("genitiv/apostrof")
    if re.search(r"[^\W\d_]-[^\W\d_]", item):
        found.append("bindestreg")
    return found


def covered(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether every character of [start, end) lies inside the (sorted, disjoint) spans."""
    pos = start
    for s, e in spans:
        if s <= pos < e:
            pos = e
            if pos >= end:
                return True
    return pos >= end


@dataclass
class Score:
    items: int = 0
    found: int = 0
    per_kind: dict[str, list[int]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    false_in_annotated: list[str] = field(default_factory=list)
    clean_words: int = 0
    false_in_clean: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.items if self.items else 1.0

    @property
    def false_rate(self) -> float:
        return len(self.false_in_clean) / self.clean_words * 1000 if self.clean_words else 0.0

    def report(self, label: str) -> str:
        lines = [
            (
                f"Anonymitetsvagten, {label}: {self.found}/{self.items} = {self.recall:.1%} dækket helt; "
                f"falske fund i ren tekst: {len(self.false_in_clean)} i {self.clean_words} ord = "
                f"{self.false_rate:.2f} pr. 1.000 ord; fund uden for guld i annoteret tekst: "
                f"{len(self.false_in_annotated)}"
            ),
            "  pr. type: " + ", ".join(f"{k} {h}/{n}" for k, (h, n) in sorted(self.per_kind.items())),
        ]
        lines += [f"  ikke dækket: {m}" for m in self.misses]
        lines += [f"  falsk fund (ren): {m}" for m in self.false_in_clean]
        lines += [f"  uden for guld (annoteret): {m}" for m in self.false_in_annotated]
        return "\n".join(lines)


def score(folder: Path, **kwargs) -> Score:
    result = Score()
    for path in sorted(folder.glob("*.md")):
        if path.name == "README.md":
            continue
        raw = path.read_text(encoding="utf-8")
        if path.name.startswith("ren_"):
            result.clean_words += len(raw.split())
            for f in find_personal_data(raw, **kwargs):
                result.false_in_clean.append(f"{path.name}:{f.line}: {f.kind}: {f.text}")
            continue
        text, gold = parse_gold(raw)
        findings = find_personal_data(text, **kwargs)
        spans = [(f.start, f.end) for f in findings]
        for kind, start, end, item in gold:
            hit = covered(start, end, spans)
            result.items += 1
            result.found += hit
            for key in [kind, *(f"{kind} ({t})" for t in traits(item) if kind == "navn")]:
                counts = result.per_kind.setdefault(key, [0, 0])
                counts[0] += hit
                counts[1] += 1
            if not hit:
                result.misses.append(f"{path.name}: {kind}: {item}")
        for f in findings:
            if not any(f.start < e and s < f.end for _, s, e, _ in gold):
                result.false_in_annotated.append(f"{path.name}:{f.line}: {f.kind}: {f.text}")
    return result
