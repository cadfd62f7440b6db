"""The coding notebook's exports: the retrieved codings as CSV, the matrices as CSV and PNG.

Both are exporters of the export gate (privacy/gate.py): they build the files from the project
(the same analyses the notebook shows) and the gate writes them to exports/ after checking every
text they carry. CSV is for Danish Excel: semicolons, decimal comma, UTF-8 with BOM.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.coding.retrieval import code_group_matrix, cooccurrence, retrieve
from workbench.exchange.cells import csv_field
from workbench.privacy import sources
from workbench.privacy.gate import Export, exporter
from workbench.project import Project
from workbench.report.figures import heatmap_png

MATRIX_TITLES = {"group": "Segmenter pr. kode og gruppe", "cooccurrence": "Principper × faktorer"}


def table_csv(frame: pd.DataFrame) -> bytes:
    """The table for Danish Excel, with no field that a spreadsheet would run as a formula."""
    safe = frame.map(csv_field)
    safe.index = safe.index.map(csv_field)
    safe.columns = safe.columns.map(csv_field) if safe.columns.nlevels == 1 else safe.columns
    return safe.to_csv(sep=";", decimal=",").encode("utf-8-sig")


@exporter("retrieval-csv", carries=(sources.DOCUMENT, sources.SELFEVAL, sources.METADATA, sources.CODING_MEMO,
                                    sources.CODER, sources.CODEBOOK))
def retrieval_csv(project: Project, out: Path, filters: dict | None = None) -> Export:
    """The codings the search view finds with these filters (code, group, doc_type, valence, coder)."""
    store = project.coding_store()
    frame = retrieve(store, project.codable_corpus, project.codebook, **(filters or {}))
    shown = set(frame.index)
    codings = [c for c in store.current(project.codable_corpus) if c.id in shown]
    texts = sources.coding_texts(project, codings) + sources.codebook_texts(project, names_only=True)
    return Export(f"Tabellen {out.name}", {out: table_csv(frame)}, texts, summary=len(frame))


@exporter("matrices", carries=(sources.CODEBOOK,))
def matrices(project: Project, folder: Path, suffix: str = "", coder: str | None = None,
             valence_split: bool = False) -> Export:
    """Code × respondent group and principle × factor, each as a CSV table and a heatmap PNG."""
    store, corpus, codebook = project.coding_store(), project.codable_corpus, project.codebook
    tables = {
        "matrix_kode_gruppe": (code_group_matrix(store, corpus, codebook, coder=coder, valence_split=valence_split),
                               MATRIX_TITLES["group"]),
        "matrix_princip_faktor": (cooccurrence(store, corpus, codebook, coder=coder), MATRIX_TITLES["cooccurrence"]),
    }
    files: dict[Path, bytes] = {}
    for name, (frame, title) in tables.items():
        stem = "_".join(p for p in (name, suffix) if p)
        files[folder / f"{stem}.csv"] = table_csv(frame)
        files[folder / f"{stem}.png"] = heatmap_png(frame, title)
    # rows and columns are labelled with code and group names; the file names may carry the coder
    return Export("Matricerne", files, sources.codebook_texts(project, names_only=True))
