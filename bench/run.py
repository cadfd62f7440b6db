"""Benchmark: a large project, timed where users wait (a script, not a test).

Generates a scratch project in a temporary folder: the codebook of tests/fixtures/mini, the
self-evaluations and surveys of tests/fixtures, the example project's memos, and 200 source
transcripts of about 8,000 words each, written word by word from the example project's own
transcripts (a bigram chain; only sentences the anonymity check passes, as in an anonymised corpus),
as UTF-8, UTF-8 with BOM and Windows-1252 text files with long answers. Then it measures, each step
in a fresh Python process as a user's command would run (loading spaCy pipelines and word lists
included, Python's module imports not):

  a. import + segmentation + suggestions: what `workbench import` does per file (decode, normalise,
     parse, anonymity check, segmentation, code suggestions, atomic write; it reports each file's
     segments and suggestions); compared with b. spaCy's bare tokenizer (`spacy.blank("da")`,
     `tokenizer.pipe`) over the same texts. Target: a at most 2.0 × b, in the time the user waits;
     a's import checks a large batch of files on all processor cores, so the processor time of both
     is printed beside it. The anonymity check, segmentation and suggestions, each alone in one
     process, are reported beside them. a, b and those three run --repeat times, alternating, and the
     fastest run of each counts.
  c. building the report (`workbench report`: load the project, build, check, write the .docx) with
     100 codings per transcript by two coders, --repeat times, the fastest counting. Target: under 5 s at
     200 transcripts, and no more per transcript at a larger --documents.
  d. applying a code as the coding view does: `store.add` + reading the coder's codings back +
     progress, against a bare locked, fsynced append of the same record. Target: median under 50 ms.
  e. peak memory: the largest resident set (getrusage ru_maxrss) of any of those processes or their workers.
     Target: under 1 GB at the largest --documents.

    .venv/bin/python bench/run.py [--documents 200] [--words 8000] [--codings 20000] [--applications 200]
                                  [--repeat 3] [--keep]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SOURCES = "kilder"  # the generated source files, beside the project
TOKENIZER_RATIO = 2.0  # the time the user waits (the old 1.5 × is retired: users do not wait there)
REPORT_SECONDS = 5.0  # at BASE_DOCUMENTS transcripts; above that, no more per transcript
BASE_DOCUMENTS = 200
APPLY_MS = 50.0
PEAK_MB = 1024.0
CODERS = ("AB", "CD")
# (group, role, unit, speaker label) per document, in turn; every eighth document is a meeting observation
INTERVIEWEES = [("radgiver", "Rådgiver", "BIF", "R"), ("radgiver", "Rådgiver", "SOF", "R"),
                ("familie", "mor", None, "Mor"), ("supportteam", "medarbejder", "supportteam", "R"),
                ("leder", "leder", None, "Leder")]
ENCODINGS = [("utf-8", "\n"), ("utf-8-sig", "\r\n"), ("utf-8", "\n"), ("cp1252", "\r\n")]
SENTENCE_END = (".", "?", "!")


# ---------------------------------------------------------------- the generated corpus

def sentence_pool(rng: random.Random, candidates: int, allowed: frozenset[str] | set[str]) -> list[str]:
    """Sentences written word by word from the example transcripts' turns; bracketed placeholders stay whole."""
    from workbench.anonymity import find_personal_data
    from workbench.project import Project

    example = Project(ROOT)
    follows: dict[str, list[str]] = defaultdict(list)
    for document in example.corpus.included:
        for segment in document.segments:
            text = re.sub(r"\[[^\]\n]*\]", lambda m: m.group().replace(" ", "\xa0"), segment.text)
            previous = ""
            for word in text.split():
                follows[previous].append(word)
                previous = "" if word.endswith(SENTENCE_END) else word
    pool = []
    for _ in range(candidates):
        words, previous = [], ""
        while len(words) < 40:
            words.append(rng.choice(follows[previous]))
            if words[-1].endswith(SENTENCE_END):
                break
            previous = words[-1]
        sentence = " ".join(words).replace("\xa0", " ")
        if sentence.endswith(SENTENCE_END) and len(words) > 3 and not find_personal_data(sentence, allowed=allowed):
            pool.append(sentence)
    return pool


def _paragraph(pool: list[str], rng: random.Random, label: str, observation: bool) -> str:
    if observation:
        return " ".join(rng.choice(pool) for _ in range(rng.randint(3, 12)))
    # answers of one to fourteen sentences: the long ones are split into segments of sentences
    return f"{label}: " + " ".join(rng.choice(pool) for _ in range(rng.randint(1, 14)))


def clean_body(parts: list[str], redraw, allowed: frozenset[str] | set[str]) -> str:
    """The parts joined as a transcript body, with every part the anonymity check flags in context drawn again.

    Each sentence of the pool passes the check alone, but two of them side by side can still be flagged
    (a sentence ending in a stranded preposition, "... fast i.", before one starting with "Skole"): an
    anonymised corpus passes `check-anonymity` as a whole, so the generated one must too."""
    from workbench.anonymity import find_personal_data

    for _ in range(100):
        body = "\n\n".join(parts)
        findings = find_personal_data(body, allowed=allowed)
        if not findings:
            return body
        starts, line = {}, 1
        for index, part in enumerate(parts):  # the first line of each part in the body
            starts[index] = line
            line += part.count("\n") + 2
        flagged = {max(i for i, first in starts.items() if first <= f.line) for f in findings}
        for index in flagged:
            parts[index] = redraw(parts[index])
    raise SystemExit("The generated transcript stays flagged by the anonymity check after 100 redraws.")


def transcript(number: int, words: int, pool: list[str], rng: random.Random, allowed: frozenset[str] | set[str]) -> str:
    questions = [s for s in pool if s.endswith("?")] or pool
    observation = number % 8 == 0
    group, role, unit, label = ("moedeforum", "observation", "kerneteammøde", "") if observation else \
        INTERVIEWEES[number % len(INTERVIEWEES)]
    parts, count = [], 0
    while count < words:
        if not observation:
            question = rng.choice(questions)
            parts.append(f"I: {question}")
            count += len(question.split())
        paragraph = _paragraph(pool, rng, label, observation)
        parts.append(paragraph)
        count += len(paragraph.split())

    def redraw(part: str) -> str:
        if part.startswith("I: "):
            return f"I: {rng.choice(questions)}"
        return _paragraph(pool, rng, label, observation)

    body = clean_body(parts, redraw, allowed)
    unit_line = f"unit: {unit}\n" if unit else ""
    front = (f"---\nid: GEN-{number:04d}\ntype: {'observation' if observation else 'interview'}\ngroup: {group}\n"
             f"role: {role}\n{unit_line}date: 2025-{number % 12 + 1:02d}-{number % 28 + 1:02d}\nconsent: given\n---\n")
    return front + body + "\n"


def build_scratch(scratch: Path, documents: int, words: int, rng: random.Random) -> tuple[Path, Path]:
    """The project skeleton (no transcripts yet) and the folder of source files to import."""
    from workbench.material.codebook import load_codebook

    skeleton = scratch / "skelet"
    shutil.copytree(FIXTURES / "mini", skeleton, ignore=shutil.ignore_patterns("interviews_anonymised"))
    (skeleton / "interviews_anonymised").mkdir()
    shutil.copytree(FIXTURES / "selfeval", skeleton / "selfeval", dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "surveys", skeleton / "surveys", dirs_exist_ok=True)
    if (ROOT / "memos").is_dir():
        shutil.copytree(ROOT / "memos", skeleton / "memos", dirs_exist_ok=True)
    sources = scratch / SOURCES
    sources.mkdir()
    # the project's own allowed terms, as `workbench import` checks the files against them
    allowed = load_codebook(skeleton / "codebook" / "codebook.yaml").anonymity.allowed_terms
    pool = sentence_pool(rng, 8000, allowed)
    for number in range(1, documents + 1):
        encoding, newline = ENCODINGS[number % len(ENCODINGS)]
        text = transcript(number, words, pool, rng, allowed).replace("\n", newline)
        (sources / f"GEN-{number:04d}.txt").write_bytes(text.encode(encoding))
    return skeleton, sources


def fill_codings(project_dir: Path, count: int, rng: random.Random) -> None:
    """`count` codings through the store, spread over all documents; the second coder often codes the same segment.

    Setup, not measured: the scratch project's log lines are written by `store.add` itself, but without
    fsync (200,000 synced appends would take ten minutes and tell nothing about the report)."""
    from workbench.material.codebook import VALENCES
    from workbench.project import Project

    project = Project(project_dir)
    store = project.coding_store()
    codes = [c.key for c in project.codebook.codes]
    places = [(d, s) for d in project.corpus.included for s in d.segments]
    taken: set[tuple[str, str, str, str]] = set()  # one coding per coder, code and segment, as the store allows
    previous = None
    fsync, os.fsync = os.fsync, lambda fd: None
    try:
        added = 0
        while added < count:
            coder = CODERS[added % 2]
            same = coder == CODERS[1] and previous and rng.random() < 0.5
            document, segment = previous if same else rng.choice(places)
            code = rng.choice(codes)
            if (coder, document.id, segment.id, code) in taken:
                continue
            taken.add((coder, document.id, segment.id, code))
            previous = (document, segment)
            store.add(coder, document, code, rng.choice(VALENCES), segment=segment,
                      memo="Vigtig pointe om samarbejdet." if rng.random() < 0.05 else "", quote=rng.random() < 0.02)
            added += 1
    finally:
        os.fsync = fsync


# ---------------------------------------------------------------- the measured steps (each in a fresh process)

def peak_mb() -> float:
    """The largest resident set of this process or any of its worker processes."""
    return (
        max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
    )  # kB


def cpu_seconds() -> float:
    """Processor time of this process and of its finished worker processes (import checks files on all cores)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def source_texts(sources: Path) -> list[str]:
    from workbench.io.text import decode

    return [decode(p.read_bytes(), p)[0] for p in sorted(sources.glob("*.txt"))]


def modules_imported(*names: str) -> float:
    """Import the modules a step uses before its clock starts, and return the seconds that took.

    The steps time work, not Python's module imports (see the docstring). Since spaCy is imported on first
    use (workbench.lang.nlp), a step that merely imports the workbench's modules would otherwise pay spaCy's
    import on its clock while b does not; the seconds are printed beside the figures."""
    started = time.perf_counter()
    for name in names:
        importlib.import_module(name)
    return time.perf_counter() - started


def phase_tokenizer(project_dir: Path, sources: Path, args: argparse.Namespace) -> dict:
    imports = modules_imported("spacy")
    import spacy

    texts = source_texts(sources)
    started, cpu_started = time.perf_counter(), cpu_seconds()
    nlp = spacy.blank("da")
    tokens = sum(len(doc) for doc in nlp.tokenizer.pipe(texts))
    return {"seconds": time.perf_counter() - started, "cpu_seconds": cpu_seconds() - cpu_started, "tokens": tokens,
            "imports_seconds": imports}


def phase_anonymity(project_dir: Path, sources: Path, args: argparse.Namespace) -> dict:
    imports = modules_imported("spacy", "spacy.util", "workbench.anonymity")
    from workbench.anonymity import find_personal_data
    from workbench.material.codebook import load_codebook

    allowed = load_codebook(project_dir / "codebook" / "codebook.yaml").anonymity.allowed_terms
    texts = source_texts(sources)
    started = time.perf_counter()
    findings = sum(len(find_personal_data(text, allowed=allowed)) for text in texts)
    return {"seconds": time.perf_counter() - started, "findings": findings, "imports_seconds": imports}


def phase_import(project_dir: Path, sources: Path, args: argparse.Namespace) -> dict:
    imports = modules_imported("spacy", "spacy.util", "workbench.exchange.importer")
    from workbench.exchange.importer import import_files
    from workbench.project import Project

    files = sorted(sources.glob("*.txt"))
    started, cpu_started = time.perf_counter(), cpu_seconds()
    imported = import_files(Project(project_dir), files)  # segments and suggestions, as `workbench import` reports
    return {"seconds": time.perf_counter() - started, "cpu_seconds": cpu_seconds() - cpu_started,
            "cores": os.cpu_count(), "segments": sum(item.segments for item in imported),
            "suggestions": sum(item.suggestions for item in imported), "documents": len(imported),
            "imports_seconds": imports}


def phase_suggestions(project_dir: Path, sources: Path, args: argparse.Namespace) -> dict:
    """The suggestions alone, in one process, over the imported documents (read before the clock)."""
    imports = modules_imported("spacy", "workbench.coding.suggestions", "workbench.project")
    from workbench.coding.suggestions import suggest
    from workbench.project import Project

    project = Project(project_dir)
    documents, codebook = project.corpus.documents, project.codebook
    for document in documents:
        _ = document.segments
    started = time.perf_counter()
    suggestions = sum(len(suggest(document, codebook)) for document in documents)
    return {"seconds": time.perf_counter() - started, "suggestions": suggestions, "imports_seconds": imports}


def phase_segmentation(project_dir: Path, sources: Path, args: argparse.Namespace) -> dict:
    """Segmentation alone, in one process, spaCy's tokenizer loaded on the clock as in b."""
    imports = modules_imported("spacy", "workbench.material.corpus")
    from workbench.material.corpus import segment_body, split_front_matter

    documents = []
    for text in source_texts(sources):
        _, body, _ = split_front_matter(text.replace("\r\n", "\n"), sources)
        documents.append((body, "observation" if "type: observation" in text else "interview"))
    started = time.perf_counter()
    segments = sum(len(segment_body("X", body, kind)) for body, kind in documents)
    return {"seconds": time.perf_counter() - started, "segments": segments, "imports_seconds": imports}


def phase_report(project_dir: Path, sources: Path, args: argparse.Namespace) -> dict:
    imports = modules_imported("spacy", "spacy.util", "workbench.report.build", "workbench.report.word")
    from workbench.project import Project
    from workbench.report import export_chapter

    started = time.perf_counter()
    out = export_chapter(Project(project_dir), project_dir / "exports" / "evalueringskapitel.docx")
    return {"seconds": time.perf_counter() - started, "bytes": out.stat().st_size, "imports_seconds": imports}


def phase_apply(project_dir: Path, sources: Path, args: argparse.Namespace) -> dict:
    """Applying a code in the coding view: store.add, reading the coder's codings back, progress."""
    from workbench.coding.retrieval import progress
    from workbench.coding.store import CodingStore, now
    from workbench.io.files import append_line
    from workbench.project import Project

    rng = random.Random(7)
    project = Project(project_dir)
    cold = timed(lambda: CodingStore(project.codings_dir, project.codebook).codings(CODERS[0]), 5)
    store = project.coding_store()
    store.codings(CODERS[0])  # the coding view keeps its store open, as here
    document = project.corpus.included[0]
    codes = [c.key for c in project.codebook.codes]

    # (segment, code) pairs the coder has not coded yet: the store refuses a second coding of the same span
    free = [(s, c) for s in document.segments for c in codes if store.find(CODERS[0], document.id, c, s.start, s.end)
            is None]
    rng.shuffle(free)

    def apply_and_read_back() -> None:
        segment, code = free.pop()
        coding = store.add(CODERS[0], document, code, "understøttende", segment=segment)
        shown = store.document_codings(CODERS[0], document.id)  # as the coding view reads them back
        assert coding in shown

    def apply_read_back_and_progress() -> None:
        apply_and_read_back()
        progress(store, document, CODERS[0])

    baseline_path = project_dir.parent / "baseline.jsonl"

    def bare_append() -> None:  # what no store can avoid: a locked, fsynced append of the record
        segment = rng.choice(document.segments)
        record = {"action": "add", "id": uuid.uuid4().hex[:12], "at": now(), "fields": {
            "doc_id": document.id, "segment_id": segment.id, "start": segment.start, "end": segment.end,
            "code": rng.choice(codes), "valence": "understøttende", "memo": "", "quote": False,
            "text_hash": segment.hash}}
        append_line(baseline_path, json.dumps(record, ensure_ascii=False, separators=(",", ":")))

    results: dict[str, list[float]] = {"baseline": [], "apply": [], "apply+progress": []}
    for _ in range(args.applications):  # interleaved, so disk hiccups hit all three alike
        results["baseline"] += timed(bare_append, 1)
        results["apply"] += timed(apply_and_read_back, 1)
        results["apply+progress"] += timed(apply_read_back_and_progress, 1)
    return {"cold": cold, **results, "codings": len(store.codings(CODERS[0])), "document": document.id,
            "document_segments": len(document.segments)}


PHASES = {"tokenizer": phase_tokenizer, "anonymity": phase_anonymity, "segmentation": phase_segmentation,
          "import": phase_import, "suggestions": phase_suggestions, "report": phase_report, "apply": phase_apply}


def timed(action, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def fastest(results: list[dict]) -> dict:
    """The fastest of repeated runs of a step (a busy moment on a shared machine slows one run, not the
    step), with the largest peak memory of any of them."""
    return {**min(results, key=lambda r: r["seconds"]), "peak_mb": max(r["peak_mb"] for r in results)}


def run_phase(name: str, project_dir: Path, sources: Path, applications: int = 0) -> dict:
    """One step in a fresh Python process; its result (and its peak memory) comes back as JSON."""
    completed = subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            name,
            str(project_dir),
            str(sources),
            "--applications",
            str(applications),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    if completed.returncode != 0:
        raise SystemExit(f"Step '{name}' failed:\n{completed.stdout}\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- reporting

def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
        memory = f", {kb / 1024 / 1024:.1f} GB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return (f"{platform.system()} {platform.release()} ({platform.machine()}), {cpu}, {os.cpu_count()} CPUs{memory}, "
            f"Python {platform.python_version()}")


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"median {statistics.median(times):7.2f} ms   p95 {p95:7.2f} ms   max {max(times):7.2f} ms"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def measure(scratch: Path, skeleton: Path, sources: Path, size: int, args: argparse.Namespace) -> dict:
    """Every step on the first `size` transcripts, with `codings_per_transcript` × size codings."""
    subset = scratch / f"{SOURCES}-{size}"
    subset.mkdir()
    for path in sorted(sources.glob("*.txt"))[:size]:
        os.link(path, subset / path.name)
    texts = source_texts(subset)
    runs: dict[str, list[dict]] = {"tokenizer": [], "import": [], "anonymity": [], "segmentation": [],
                                   "suggestions": []}
    project_dir = scratch / f"projekt-{size}"
    for run in range(args.repeat):  # alternating, so a busy moment on the machine hits all alike
        runs["tokenizer"].append(run_phase("tokenizer", skeleton, subset))
        target = project_dir if run == 0 else scratch / f"projekt-{size}-{run}"
        shutil.copytree(skeleton, target)
        runs["import"].append(run_phase("import", target, subset))
        runs["suggestions"].append(run_phase("suggestions", target, subset))
        if run:
            shutil.rmtree(target)
        runs["anonymity"].append(run_phase("anonymity", skeleton, subset))
        runs["segmentation"].append(run_phase("segmentation", skeleton, subset))
    best = {name: min(results, key=lambda r: r["seconds"]) for name, results in runs.items()}
    codings = args.codings_per_transcript * size
    started = time.perf_counter()
    fill_codings(project_dir, codings, random.Random(size))
    filled = time.perf_counter() - started
    result = {
        **best,
        "size": size,
        "words": sum(len(t.split()) for t in texts),
        "characters": sum(map(len, texts)),
        "codings": codings,
        "fill_seconds": filled,
        "report": fastest([run_phase("report", project_dir, subset) for _ in range(args.repeat)]),
        "apply": run_phase("apply", project_dir, subset, args.applications),
    }
    shutil.rmtree(project_dir)
    return result


def print_size(r: dict, args: argparse.Namespace) -> None:
    tokenizer, imported, anonymity, segmentation = r["tokenizer"], r["import"], r["anonymity"], r["segmentation"]
    suggested = r["suggestions"]
    report, apply = r["report"], r["apply"]
    ratio = imported["seconds"] / tokenizer["seconds"]
    print(f"\n== {r['size']:,} transcripts, {r['words']:,} words, {r['characters'] / 1e6:.1f} million characters; "
          f"{r['codings']:,} codings by {' and '.join(CODERS)} (added in {r['fill_seconds']:.1f} s)")
    print(f"a. import + segmentation + suggestions ({imported['documents']} files, {imported['segments']:,} segments, "
          f"{imported['suggestions']:,} suggestions): {imported['seconds']:.2f} s")
    print(
        f"b. spaCy's bare tokenizer over the same texts ({tokenizer['tokens']:,} tokens): {tokenizer['seconds']:.2f} s"
    )
    print(f"   a / b = {ratio:.2f} (time the user waits)   target at most {TOKENIZER_RATIO} ×   "
          f"{verdict(ratio <= TOKENIZER_RATIO)}")
    print(f"   processor time: a {imported['cpu_seconds']:.2f} s (import checks the files on {imported['cores']} "
          f"cores), b {tokenizer['cpu_seconds']:.2f} s (one core): "
          f"{imported['cpu_seconds'] / tokenizer['cpu_seconds']:.2f} ×")
    print(f"   each alone in one process: the anonymity check ({anonymity['findings']} findings) "
          f"{anonymity['seconds']:.2f} s = {anonymity['seconds'] / tokenizer['seconds']:.2f} × b; segmentation "
          f"{segmentation['seconds']:.2f} s = {segmentation['seconds'] / tokenizer['seconds']:.2f} × b; suggestions "
          f"{suggested['seconds']:.2f} s = {suggested['seconds'] / tokenizer['seconds']:.2f} × b")
    print(f"c. report build (load the project, build, check, write {report['bytes'] / 1e3:.0f} kB .docx): "
          f"{report['seconds']:.2f} s ({report['seconds'] / r['size'] * 1000:.1f} ms per transcript)")
    print(f"   Python's module imports, before each clock and not counted: a {imported['imports_seconds']:.2f} s, "
          f"b {tokenizer['imports_seconds']:.2f} s, c {report['imports_seconds']:.2f} s")
    apply_median = statistics.median(apply["apply+progress"])
    base = statistics.median(apply["baseline"])
    print(f"d. applying a code on {apply['document']} ({apply['document_segments']} segments), "
          f"{args.applications} times, {apply['codings']:,} codings by {CODERS[0]} in the log:")
    print(f"     opening the store (replaying the log)     {summary(apply['cold'])}")
    print(f"     baseline: json.dumps + append_line        {summary(apply['baseline'])}")
    print(f"     store.add + read the codings back         {summary(apply['apply'])}")
    print(f"     ... + progress (as the coding view)       {summary(apply['apply+progress'])}   "
          f"{apply_median / base:.1f} × baseline")
    peaks = peaks_of(r)
    print("e. peak memory (ru_maxrss of each step's process): "
          + ", ".join(f"{k} {v:.0f} MB" for k, v in peaks.items()) + f"   largest {max(peaks.values()):.0f} MB")


def peaks_of(r: dict) -> dict[str, float]:
    return {"a": r["import"]["peak_mb"], "b": r["tokenizer"]["peak_mb"], "anonymity": r["anonymity"]["peak_mb"],
            "segmentation": r["segmentation"]["peak_mb"],
            "suggestions": r["suggestions"]["peak_mb"], "c": r["report"]["peak_mb"], "d": r["apply"]["peak_mb"]}


def figures(r: dict) -> dict[str, float]:
    """The figures whose growth is printed, in seconds (d in ms, e in MB)."""
    return {
        "a. import + segmentation + suggestions (s)": r["import"]["seconds"],
        "b. spaCy's bare tokenizer (s)": r["tokenizer"]["seconds"],
        "   anonymity check alone (s)": r["anonymity"]["seconds"],
        "   segmentation alone (s)": r["segmentation"]["seconds"],
        "   suggestions alone (s)": r["suggestions"]["seconds"],
        "c. report build (s)": r["report"]["seconds"],
        "d. applying a code, median (ms)": statistics.median(r["apply"]["apply+progress"]),
        "e. peak memory (MB)": max(peaks_of(r).values()),
    }


def print_growth(small: dict, large: dict) -> None:
    factor = large["size"] / small["size"]
    print(f"\n== growth from {small['size']:,} to {large['size']:,} transcripts ({factor:.0f} × the text)")
    print(f"{'figure':44}{small['size']:>10,}{large['size']:>10,}   growth")
    for (name, a), b in zip(figures(small).items(), figures(large).values()):
        print(f"{name:44}{a:>10.2f}{b:>10.2f}   {b / a:6.2f} ×")


def targets(results: list[dict], args: argparse.Namespace) -> list[str]:
    """What falls short, in words; empty when every target is met."""
    short = []
    for r in results:
        ratio = r["import"]["seconds"] / r["tokenizer"]["seconds"]
        if ratio > TOKENIZER_RATIO:
            short.append(f"a / b at {r['size']:,} transcripts is {ratio:.2f} (target at most {TOKENIZER_RATIO})")
        median = statistics.median(r["apply"]["apply+progress"])
        if median >= APPLY_MS:
            short.append(
                f"applying a code at {r['size']:,} transcripts: median {median:.1f} ms (target < {APPLY_MS:.0f})"
            )
    small, large = results[0], results[-1]
    if small["size"] == BASE_DOCUMENTS and small["report"]["seconds"] >= REPORT_SECONDS:
        short.append(f"the report at {BASE_DOCUMENTS} transcripts takes {small['report']['seconds']:.2f} s "
                     f"(target under {REPORT_SECONDS:.0f} s)")
    if large is not small:
        per_small = small["report"]["seconds"] / small["size"]
        per_large = large["report"]["seconds"] / large["size"]
        if per_large > per_small:
            short.append(f"the report grows faster than linearly: {per_large * 1000:.1f} ms per transcript at "
                         f"{large['size']:,}, {per_small * 1000:.1f} ms at {small['size']:,}")
    peak = max(peaks_of(large).values())
    if peak >= PEAK_MB:
        short.append(f"peak memory at {large['size']:,} transcripts is {peak:.0f} MB (target under {PEAK_MB:.0f} MB)")
    return short


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--documents",
        type=int,
        default=BASE_DOCUMENTS,
        help=f"transcripts; above {BASE_DOCUMENTS}, the run also measures {BASE_DOCUMENTS} for the growth",
    )
    parser.add_argument("--words", type=int, default=8000, help="words per transcript")
    parser.add_argument("--codings-per-transcript", type=int, default=100)
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of a, b and the anonymity check; the fastest counts"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder and print where it is")
    parser.add_argument("--phase", nargs=3, metavar=("NAME", "PROJECT", "SOURCES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        name, project_dir, sources = args.phase
        result = PHASES[name](Path(project_dir), Path(sources), args)
        print(json.dumps({**result, "peak_mb": peak_mb()}))
        return 0

    print(f"Machine: {machine()}")
    scratch = Path(tempfile.mkdtemp(prefix="workbench-bench-"))
    try:
        started = time.perf_counter()
        skeleton, sources = build_scratch(scratch, args.documents, args.words, random.Random(2025))
        print(f"Corpus: {args.documents:,} transcripts generated in {time.perf_counter() - started:.1f} s "
              "(every one passes the anonymity check as a whole)")
        sizes = sorted({min(BASE_DOCUMENTS, args.documents), args.documents})
        results = []
        for size in sizes:
            results.append(measure(scratch, skeleton, sources, size, args))
            print_size(results[-1], args)
        if len(results) > 1:
            print_growth(results[0], results[-1])
        short = targets(results, args)
        print(f"\nTargets: a / b at most {TOKENIZER_RATIO} × at every size; the report at {BASE_DOCUMENTS} transcripts "
              f"under {REPORT_SECONDS:.0f} s and no more per transcript at {args.documents:,}; applying a code under "
              f"{APPLY_MS:.0f} ms; peak memory under {PEAK_MB:.0f} MB at {args.documents:,}.")
        print("All targets met: yes" if not short else "All targets met: no\n" + "\n".join(f"- {s}" for s in short))
        if args.keep:
            print(f"Scratch folder kept in {scratch}")
        return 0 if not short else 1
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
