"""Benchmark: applying a code in a project that already holds 20,000 codings (a script, not a test).

Builds a scratch project (a copy of tests/fixtures/mini plus generated transcripts), fills it with
codings through the store, then times what the coding view does when a coder clicks a code:
`store.add(...)` and reading the coder's codings back (and, as the view does, the progress count).
A bare `json.dumps` + `fsio.append_line` of the same record, timed in the same run, is the
baseline: the part no store can avoid (a locked, fsynced append). Target: median under 50 ms.

    .venv/bin/python bench/coding.py [--codings 20000] [--applications 200] [--documents 80] [--keep]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from workbench.codebook import VALENCES
from workbench.codings import CodingStore, now
from workbench.fsio import append_line
from workbench.project import Project
from workbench.retrieval import progress

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "mini"
TARGET_MS = 50.0
GROUPS = [("radgiver", "Rådgiver", "BIF"), ("radgiver", "Rådgiver", "SOF"), ("familie", "mor", "HFI"),
          ("supportteam", "medarbejder", "supportteam")]


def sentences(project: Project) -> list[str]:
    """Sentences from the fixture transcripts, recombined into generated ones."""
    found = []
    for document in project.corpus.included:
        for segment in document.segments:
            found += [s.strip() + "." for s in segment.text.split(".") if len(s.strip()) > 15]
    return found


def build_project(folder: Path, documents: int, rng: random.Random) -> Project:
    shutil.copytree(FIXTURE, folder)
    pool = sentences(Project(folder))
    for number in range(1, documents + 1):
        group, role, unit = GROUPS[number % len(GROUPS)]
        turns = []
        for _ in range(rng.randint(12, 24)):
            turns.append("I: " + rng.choice(pool))
            turns.append("R: " + " ".join(rng.choice(pool) for _ in range(rng.randint(1, 6))))
        front = (f"---\nid: GEN-{number:03d}\ntype: interview\ngroup: {group}\nrole: {role}\nunit: {unit}\n"
                 f"date: 2025-05-{number % 28 + 1:02d}\nconsent: given\n---\n")
        (folder / "interviews_anonymised" / f"GEN-{number:03d}.md").write_text(front + "\n\n".join(turns) + "\n",
                                                                               encoding="utf-8")
    return Project(folder)


def fill(project: Project, count: int, coders: list[str], rng: random.Random) -> None:
    store = project.coding_store()
    codes = [c.key for c in project.codebook.codes]
    places = [(d, s) for d in project.corpus.included for s in d.segments]
    for i in range(count):
        document, segment = rng.choice(places)
        valence = rng.choice(VALENCES)
        store.add(coders[i % len(coders)], document, rng.choice(codes), valence, segment=segment)


def timed(action, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"median {statistics.median(times):7.2f} ms   p95 {p95:7.2f} ms   max {max(times):7.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--codings", type=int, default=20_000)
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--documents", type=int, default=80)
    parser.add_argument("--keep", action="store_true", help="keep the scratch project and print where it is")
    args = parser.parse_args()
    rng = random.Random(2025)
    scratch = Path(tempfile.mkdtemp(prefix="workbench-bench-"))
    try:
        started = time.perf_counter()
        project = build_project(scratch / "projekt", args.documents, rng)
        fill(project, args.codings, ["AB", "CD"], rng)
        segments = sum(len(d.segments) for d in project.corpus.included)
        print(f"Scratch project: {len(project.corpus.included)} documents, {segments} segments, "
              f"{args.codings} codings by AB and CD (built in {time.perf_counter() - started:.1f} s)")

        cold = timed(lambda: CodingStore(project.codings_dir, project.codebook).codings("AB"), 5)
        print(f"Opening the store (replaying AB's log of {len(project.coding_store().codings('AB'))} codings): "
              f"{summary(cold)}")

        store = project.coding_store()
        store.codings("AB")  # the coding view keeps its store open, as here
        document = project.corpus.get("INT-RAD-01")
        codes = [c.key for c in project.codebook.codes]

        def apply_and_read_back() -> None:
            segment = rng.choice(document.segments)
            coding = store.add("AB", document, rng.choice(codes), "understøttende", segment=segment)
            shown = [c for c in store.codings("AB") if c.doc_id == document.id]
            assert coding in shown

        def apply_read_back_and_progress() -> None:
            apply_and_read_back()
            progress(store, document, "AB")

        baseline_path = scratch / "baseline.jsonl"

        def bare_append() -> None:
            segment = rng.choice(document.segments)
            record = {"action": "add", "id": uuid.uuid4().hex[:12], "at": now(), "fields": {
                "doc_id": document.id, "segment_id": segment.id, "start": segment.start, "end": segment.end,
                "code": rng.choice(codes), "valence": "understøttende", "memo": "", "quote": False,
                "text_hash": segment.hash}}
            append_line(baseline_path, json.dumps(record, ensure_ascii=False, separators=(",", ":")))

        # interleaved, so disk hiccups hit all three alike
        results: dict[str, list[float]] = {"baseline": [], "apply": [], "apply+progress": []}
        for _ in range(args.applications):
            results["baseline"] += timed(bare_append, 1)
            results["apply"] += timed(apply_and_read_back, 1)
            results["apply+progress"] += timed(apply_read_back_and_progress, 1)

        base = statistics.median(results["baseline"])
        print(f"\n{args.applications} applications each, with {args.codings} codings in the project:")
        print(f"  baseline: json.dumps + append_line      {summary(results['baseline'])}")
        for name, label in (("apply", "store.add + read AB's codings back"),
                            ("apply+progress", "... + progress (as the coding view)")):
            median = statistics.median(results[name])
            print(f"  {label:38} {summary(results[name])}   {median / base:5.1f} × baseline")
        worst = statistics.median(results["apply+progress"])
        verdict = "met" if worst < TARGET_MS else "NOT met"
        print(f"\nTarget: median under {TARGET_MS:.0f} ms for applying a code and seeing it saved: {verdict} "
              f"({worst:.2f} ms).")
        if args.keep:
            print(f"Scratch project kept in {scratch / 'projekt'}")
        return 0 if worst < TARGET_MS else 1
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
