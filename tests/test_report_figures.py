"""The chapter's self-evaluation charts tell their lines apart without colour and keep every label inside the picture
(the survey chart's start/end bars: test_report_templates)."""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.text import Text

from workbench.project import Project
from workbench.report.build import build_chapter
from workbench.report.data import ChapterData
from workbench.report.figures import (
    luminance,
    selfeval_principle_figure,
    selfeval_trend_figure,
)


def _texts_inside(figure) -> list[str]:
    """Every drawn text whose extent leaves the figure (an empty list when nothing is cut)."""
    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    box = figure.bbox
    hidden = set()  # tick labels of ticks outside the axis' view limits are not drawn
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            low, high = sorted(axis.get_view_interval())
            hidden |= {id(t.label1) for t in axis.get_major_ticks() if not low - 1e-9 <= t.get_loc() <= high + 1e-9}
    outside = []
    for text in figure.findobj(Text):
        if id(text) in hidden or not text.get_visible() or not text.get_text().strip():
            continue
        extent = text.get_window_extent(renderer)
        if extent.x0 < box.x0 - 1 or extent.x1 > box.x1 + 1 or extent.y0 < box.y0 - 1 or extent.y1 > box.y1 + 1:
            outside.append(text.get_text())
    return outside


def _styles(lines) -> list[tuple]:
    return [(line.get_marker(), line.get_linestyle(), round(luminance(line.get_color()), 2)) for line in lines]


def test_self_evaluation_lines_differ_by_marker_and_dash_pattern_and_keep_their_labels(chapter_project):
    project = Project(chapter_project)
    figure = selfeval_trend_figure(project)
    lines = figure.axes[0].get_lines()
    assert len(lines) >= 3
    assert len({(m, s) for m, s, _ in _styles(lines)}) == len(lines)  # apart without any colour
    assert _texts_inside(figure) == []

    data = ChapterData(project)
    rows = data.selfeval_table[data.selfeval_table["principle"] == "P1"]
    periods = sorted(rows["period"].unique())
    figure = selfeval_principle_figure(rows, periods, periods, "#1b6ca8", "P1 Familien", 1, 5)
    lines = figure.axes[0].get_lines()
    assert len(lines) >= 3  # adherence and the GUIDE criteria
    assert len({(m, s) for m, s, _ in _styles(lines)}) == len(lines)
    adherence = next(line for line in lines if line.get_linewidth() > 2)  # drawn bold in the principle's colour
    assert to_hex(adherence.get_color()) == "#1b6ca8"
    assert _texts_inside(figure) == []


def test_the_chapter_draws_its_survey_labels_whole(chapter_project):
    chapter = build_chapter(Project(chapter_project))
    figures = [b for s in chapter.sections for b in s.blocks if type(b).__name__ == "Figure"]
    survey = [f for f in figures if f.title.startswith("Spørgsmål knyttet til")]
    assert survey and all("…" not in f.alt_text for f in survey)  # the questions are described whole
