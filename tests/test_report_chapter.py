"""The principle-based chapter, opened as a reader of the Word file would check it."""

import docx
import pytest
from docx.oxml.ns import qn

from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.report import export_chapter
from workbench.ui.cli import main


@pytest.fixture
def chapter(chapter_project, tmp_path):
    out = export_chapter(Project(chapter_project), tmp_path / "kapitel.docx")
    return docx.Document(str(out))


def counted_chapter(project_dir, out):
    """The chapter with every group shown, as if one interviewed person were enough to hide in."""
    path = project_dir / "codebook" / "codebook.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("min_persons: 3", "min_persons: 1"), encoding="utf-8")
    return docx.Document(str(export_chapter(Project(project_dir), out)))


def texts(document):
    return [p.text for p in document.paragraphs if not p.style.name.startswith("TOC")]


def table_after(document, caption_start):
    """The table that follows the caption starting with `caption_start`."""
    body = list(document.element.body)
    for index, element in enumerate(body):
        if element.tag == qn("w:p") and "".join(t.text or "" for t in element.iter(qn("w:t"))).startswith(
            caption_start
        ):
            table = next(e for e in body[index + 1 :] if e.tag == qn("w:tbl"))
            return [[c.text for c in row.cells] for row in docx.table.Table(table, document).rows]
    raise AssertionError(f"no caption {caption_start!r}")


def caption(document, needle):
    return next(t for t in texts(document) if needle in t and t.startswith(("Tabel", "Figur")))


def test_one_section_per_principle_with_statement_and_memo_headings(chapter):
    headings = [p.text for p in chapter.paragraphs if p.style.name == "Heading 1"]
    for title in ["Fem guidende principper", "Ni virksomme faktorer", "Samlet vurdering", "Bilag: Kodebog"]:
        assert title in headings
    subheadings = [p.text for p in chapter.paragraphs if p.style.name == "Heading 2"]
    for title in ["Princip 1 – Familien", "Princip 2 – Sammenhæng", "Princip 3 – Kontakt", "Princip 4 – Helheden",
                  "Princip 5 – Viden"]:
        assert title in subheadings  # one level below "Fem guidende principper", as the factors are
    body = texts(chapter)
    p1 = body.index("Princip 1 – Familien")
    assert body[p1 + 1].startswith("Vi tager afsæt i familiens ønsker om forandring")
    assert body[p1 + 3] == "Understøttende elementer"
    assert body[p1 + 4] == "Forældrene oplever at blive spurgt om deres ønsker."
    assert "Fædrenes perspektiv mangler ofte." in body
    assert "Memo ikke skrevet endnu." in body  # P2 has no memo yet


def test_evidence_table_counts_segments_by_group_and_valence(chapter_project, tmp_path):
    chapter = counted_chapter(chapter_project, tmp_path / "k.docx")
    rows = table_after(chapter, caption(chapter, "Kodede segmenter om P1 Familien"))
    assert rows[0] == [
        "Respondentgruppe",
        "Dokumenter",
        "Personer",
        "Understøttende",
        "Udfordrende",
        "Neutral",
        "I alt",
    ]
    by_group = {r[0]: r[1:] for r in rows[1:]}
    assert by_group["Forældre*"] == ["1 af 1", "1", "1", "1", "0", "2"]  # one segment, coded both ways
    assert by_group["Mødeobservationer*"] == ["1 af 1", "–", "0", "1", "0", "1"]
    assert by_group["I alt"] == ["2 af 3", "1", "1", "2", "0", "3"]


def test_quotes_are_attributed_by_role_and_coarsened_for_small_groups(chapter):
    body = texts(chapter)
    quote = next(t for t in body if t.startswith("»Før skulle jeg fortælle min historie"))
    # one interviewed parent is too few to say "mor": the codebook's coarser label is used
    assert quote.endswith("(forælder, HFI)")
    # one style whatever case the metadata's role has: "(rådgiver)" as "(forælder, HFI)"
    assert any(t.endswith("(rådgiver)") for t in body if t.startswith("»"))
    assert not any(t.endswith("(Rådgiver)") for t in body if t.startswith("»"))
    assert not any("tilbagetrukket" in t for t in body)


def test_survey_items_show_start_end_procentpoint_and_n(chapter):
    rows = table_after(chapter, caption(chapter, "Spørgsmål knyttet til P2 Sammenhæng"))
    assert rows[0] == ["Spørgsmål", "Svargruppe", "Start", "Slut", "Ændring (procentpoint)", "n"]
    help_row = next(r for r in rows if r[0].startswith("Familien har fået hjælp"))
    assert help_row[2:] == ["67\u00a0% (n < 10)", "90\u00a0%", "+23", "9 / 10"]
    contact = next(r for r in rows if r[0].startswith("Familien ved altid"))
    assert contact[2:] == ["30\u00a0%", "–", "–", "10 / 4"]  # 4 valid answers at the end: suppressed


def test_an_item_not_asked_at_a_time_point_says_not_measured_not_suppressed(chapter):
    rows = table_after(chapter, caption(chapter, "Spørgsmål knyttet til P5"))
    support = next(r for r in rows if r[0].startswith("Ledelsen bakker op"))
    assert support[2] == "ikke målt" and "\u00a0%" in support[3] and support[4] == "–"
    notes = [t for t in texts(chapter) if t.startswith("Anm.") and "ikke stillet ved den måling" in t]
    assert len(notes) == 2 and all("»ikke målt«" in n for n in notes)  # under P5's table and F9's


def test_self_evaluation_table_and_trend_figure_with_alt_text(chapter):
    rows = table_after(chapter, caption(chapter, "Supportteamets selvevaluering af P1 Familien"))
    assert rows[0] == ["Spørgsmål", "1. halvår 2025", "2. halvår 2025"]
    figures = [t for t in texts(chapter) if t.startswith("Figur")]
    assert any("Udvikling i supportteamets selvevaluering af P1 Familien" in f for f in figures)
    descriptions = [d.get("descr") for d in chapter.element.body.iter(qn("wp:docPr"))]
    assert descriptions and all(descriptions)


def test_every_table_and_figure_has_anm_and_kilde(chapter):
    body = texts(chapter)
    captions = [i for i, t in enumerate(body) if t.startswith(("Tabel ", "Figur "))]
    assert captions
    for index in captions:
        following = body[index + 1 : index + 4]
        assert any(t.startswith("Anm.: ") for t in following), body[index]
        assert any(t.startswith("Kilde: ") and not t.startswith("Kilde: Kilde") for t in following), body[index]


def test_method_section_states_sources_agreement_and_limitations(chapter):
    body = "\n".join(texts(chapter))
    assert "NP og KL kodede begge" in body
    assert "Cohens kappa" in body and "Krippendorffs alfa" in body
    assert "mere positivt stemt" in body
    rows = table_after(chapter, caption(chapter, "Selvevalueringer og spørgeskemaer"))
    assert ["Selvevaluering i supportteamet", "1. halvår 2025", "3"] in rows  # DL only saved a draft


def test_factors_and_appendices(chapter):
    headings2 = [p.text for p in chapter.paragraphs if p.style.name == "Heading 2"]
    assert "1. Samtykket er afgørende" in headings2
    body = texts(chapter)
    assert "Samtykket gør deling af dokumenter mulig." in body
    assert any(t.startswith("Tabel") and "Enighed mellem koderne NP og KL" in t for t in body)


def test_a_memo_with_personal_data_stops_the_build(chapter_project, tmp_path):
    memo = chapter_project / "memos" / "koder" / "P1.md"
    memo.write_text(memo.read_text(encoding="utf-8") + "\n- Aftalt med Jonas Kristensen.\n", encoding="utf-8")
    out = tmp_path / "kapitel.docx"
    with pytest.raises(WorkbenchError) as err:
        export_chapter(Project(chapter_project), out)
    assert "memos/koder/P1.md:13: navn: Jonas Kristensen" in str(err.value)
    assert not out.exists()


def test_a_starred_quote_from_a_withdrawn_interview_never_appears(chapter_project, tmp_path):
    project = Project(chapter_project)
    withdrawn = project.corpus.get("INT-FAM-02")
    project.coding_store().add("NP", withdrawn, "P1", "understøttende", segment=withdrawn.segments[1], quote=True)
    document = docx.Document(str(export_chapter(Project(chapter_project), tmp_path / "k.docx")))
    assert not any("evalueringen længere" in t for t in texts(document))


def test_one_principle_section_alone_from_the_cli(chapter_project, capsys):
    assert main(["--project", str(chapter_project), "report", "--section", "P3"]) == 0
    out = chapter_project / "exports" / "evalueringskapitel-P3.docx"
    headings = [p.text for p in docx.Document(str(out)).paragraphs if p.style.name == "Heading 2"]
    assert headings == ["Princip 3 – Kontakt"]


def test_the_sources_side_by_side_name_each_source_and_state_no_verdict(chapter_project, tmp_path):
    chapter = counted_chapter(chapter_project, tmp_path / "k.docx")
    body = texts(chapter)
    p2 = body.index("Princip 2 – Sammenhæng")
    section = body[p2 : body.index("Princip 3 – Kontakt")]
    start = section.index("Datakilderne side om side")
    lines = section[start + 1 : section.index("Evaluators vurdering")]
    assert lines[0] == "Kodet materiale: 1 understøttende og 0 udfordrende segmenter fra 1 af 3 respondentgrupper."
    assert lines[1] == (
        "Selvevaluering: teamets gennemsnitlige vurdering af efterlevelsen var 4,3 i 1. halvår 2025 (n = 3) og "
        "4,3 i 2. halvår 2025 (n = 3)."
    )
    assert lines[2].startswith(
        "Spørgeskema, familier: »Familien har fået hjælp til at overskue sine aftaler« (andel »Ja«) 67\u00a0% "
        "(n < 10) ved start og 90\u00a0% ved slut"
    )
    whole = "\n".join(body)
    for verdict in ("peger i samme", "positive retning", "peger ikke entydigt", "tolkes med forsigtighed",
                    "Ingen datakilde peger", "hverken tydelig fremgang"):
        assert verdict not in whole


def test_method_says_whether_disagreements_were_resolved(chapter_project, tmp_path):
    from workbench.coding.agreement import agreement, resolve

    project = Project(chapter_project)
    body = "\n".join(texts(docx.Document(str(export_chapter(project, tmp_path / "a.docx")))))
    assert "endnu ikke afgjort i en konsensuskodning; kapitlet bygger på kodningen fra NP" in body
    store = project.coding_store()
    report = agreement(store, project.codable_corpus, project.codebook, "NP", "KL")
    resolve(store, project.codable_corpus, report, {}, consensus_coder="konsensus")
    body = "\n".join(texts(docx.Document(str(export_chapter(Project(chapter_project), tmp_path / "b.docx")))))
    assert "afgjort i en konsensuskodning, som kapitlet bygger på" in body


def test_linked_survey_items_measured_twice_get_a_start_end_chart(chapter):
    figures = [t for t in texts(chapter) if t.startswith("Figur")]
    assert any("Spørgsmål knyttet til P2 Sammenhæng ved start og slut" in f for f in figures)
    descriptions = [d.get("descr") for d in chapter.element.body.iter(qn("wp:docPr"))]
    assert any("67 % ved start og 90 % ved slut" in d for d in descriptions)


def test_the_interviewer_is_never_quoted_and_an_interpreter_is_marked(chapter_project, tmp_path):
    from workbench.coding.evidence import Evidence

    folder = chapter_project / "interviews_anonymised"
    (folder / "INT-FAM-03.md").write_text(
        "---\nid: INT-FAM-03\ntype: interview\ngroup: familie\nrole: mor\nunit: HFI\ndate: 2025-05-02\n"
        "consent: given\n---\nI: Hvordan var mødet med hele teamet?\n\n"
        "Tolk: Hun siger, at det var første gang, nogen spurgte, hvad hun selv ønskede.\n",
        encoding="utf-8",
    )
    project = Project(chapter_project)
    document = project.corpus.get("INT-FAM-03")
    store = project.coding_store()
    for segment in document.segments:
        store.add("NP", document, "P1", "understøttende", segment=segment, quote=True)
    quotes = [
        q
        for q in Evidence(store.current(project.corpus), project.corpus, project.codebook).quotes("P1")
        if q.doc_id == "INT-FAM-03"
    ]
    assert [(q.text[:8], q.attribution) for q in quotes] == [("Hun sige", "forælder, HFI, gengivet af tolk")]
