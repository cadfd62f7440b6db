"""Charts for the chapter, the notebooks and the exports (matplotlib without pyplot, so no global state;
PNG bytes out). The analyses hand over their tables; only this module draws them."""

from __future__ import annotations

import io
import textwrap

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MultipleLocator

from workbench.lang import numbers as numfmt
from workbench.selfeval.form import ADHERENCE, SelfEvalProject, load_form, score_item
from workbench.selfeval.period import Period
from workbench.selfeval.summary import summary_table


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150)
    return buffer.getvalue()


# the self-evaluation items' lines: markers and dash patterns differ, so they are told apart in greyscale too
_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
_DASHES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (1, 1)), (0, (3, 1, 1, 1, 1, 1)))
_GREYS = ("#9e9e9e", "#5c5c5c", "#c4c4c4", "#7a7a7a", "#b0b0b0", "#404040")
START_COLOUR, END_COLOUR = "#c9d3e0", "#1b4f80"  # lightness 83 % and 31 %: distinct in greyscale


def luminance(colour) -> float:
    """A colour's greyscale value (0 black, 1 white), as a greyscale printer or PIL's 'L' conversion sees it."""
    red, green, blue = to_rgb(colour)
    return 0.299 * red + 0.587 * green + 0.114 * blue


def wrap_label(text: str, width: int = 38) -> str:
    """A long survey label on several lines instead of cut off."""
    return "\n".join("\n".join(textwrap.wrap(line, width)) or line for line in text.split("\n"))


def selfeval_principle_figure(rows, periods: list[str], period_labels: list[str], colour: str, title: str,
                              scale_min: int, scale_max: int) -> Figure:
    """One line per self-evaluation item (adherence bold in the principle's colour, the GUIDE criteria thin grey,
    each with its own marker and dash pattern) over the half years.

    `rows` is the selfeval summary table filtered to one principle.
    """
    figure = Figure(figsize=(7.5, 3.6))
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    position = {p: i for i, p in enumerate(periods)}
    others = 0
    for item_key, part in rows.groupby("item", sort=False):
        label = part["item_label"].iloc[0]
        xs = [position[p] for p in part["period"]]
        if item_key == "adherence":
            axes.plot(xs, part["mean"], marker="o", markersize=7, linewidth=2.8, color=colour, label=label,
                      zorder=3)
            continue
        axes.plot(xs, part["mean"], marker=_MARKERS[(others + 1) % len(_MARKERS)],
                  linestyle=_DASHES[(others + 1) % len(_DASHES)], linewidth=1.2, markersize=5,
                  color=_GREYS[others % len(_GREYS)], label=label)
        others += 1
    axes.set_ylim(scale_min - 0.2, scale_max + 0.2)
    axes.yaxis.set_major_locator(MultipleLocator(1))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: numfmt.decimal(v, 0)))
    axes.set_xticks(range(len(periods)), period_labels)
    axes.set_ylabel(f"Gennemsnit ({scale_min}–{scale_max})")
    axes.set_title(title, fontsize=10)
    axes.grid(axis="y", alpha=0.3)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize=8)
    figure.tight_layout()
    return figure


def selfeval_principle_trend(*args, **kwargs) -> bytes:
    return _png(selfeval_principle_figure(*args, **kwargs))


def survey_start_end_figure(labels: list[str], start: list[float | None], end: list[float | None],
                            start_label: str, end_label: str, title: str) -> Figure:
    """Paired horizontal bars, the start above the end for each item (light and hatched; dark), labels wrapped."""
    wrapped = [wrap_label(label) for label in labels]
    lines = sum(label.count("\n") + 1 for label in wrapped)
    figure = Figure(figsize=(7.5, 1.2 + 0.75 * len(labels) + 0.12 * lines))
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    ys = range(len(labels))
    height = 0.36
    # the y axis is inverted (first item on top): y - height/2 is the upper bar of each pair
    axes.barh([y - height / 2 for y in ys], [v or 0 for v in start], height, color=START_COLOUR, hatch="///",
              edgecolor="#6b7d94", linewidth=0.6, label=start_label)
    axes.barh([y + height / 2 for y in ys], [v or 0 for v in end], height, color=END_COLOUR, label=end_label)
    for offset, values in ((-height / 2, start), (height / 2, end)):
        for y, value in zip(ys, values):
            if value is not None:
                axes.text(value + 1, y + offset, numfmt.percent(value), va="center", fontsize=8)
    axes.set_yticks(list(ys), wrapped, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 110)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: numfmt.percent(v) if v <= 100 else ""))
    axes.set_title(title, fontsize=10)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 if len(labels) > 1 else -0.25), ncols=2,
                frameon=False, fontsize=8)  # below the bars, start first, never over a bar
    figure.tight_layout()
    return figure


def survey_start_end(*args, **kwargs) -> bytes:
    return _png(survey_start_end_figure(*args, **kwargs))


def heatmap_png(df: pd.DataFrame, title: str) -> bytes:
    """A count table as a heatmap PNG with the numbers in the cells (retrieval's code × group and co-occurrence)."""
    values = df.to_numpy(dtype=float)
    rows = [_flat(label) for label in df.index]
    columns = [_flat(label) for label in df.columns]
    width = min(16.0, 2.5 + 0.75 * max(len(columns), 1))
    height = min(16.0, 1.5 + 0.4 * max(len(rows), 1))
    figure = Figure(figsize=(width, height), dpi=150)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    top = values.max() if values.size else 0
    axes.imshow(values if values.size else [[0]], cmap="Blues", vmin=0, vmax=max(top, 1), aspect="auto")
    axes.set_xticks(range(len(columns)), columns, rotation=45, ha="right", fontsize=8)
    axes.set_yticks(range(len(rows)), rows, fontsize=8)
    for (row, column), value in pd.DataFrame(values).stack().items():
        text = numfmt.integer(value) if float(value).is_integer() else numfmt.decimal(value, 1)
        axes.text(column, row, text, ha="center", va="center", fontsize=7,
                  color="white" if top and value > top * 0.6 else "black")
    axes.set_title(title, fontsize=10)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _flat(label) -> str:
    return " · ".join(str(part) for part in label) if isinstance(label, tuple) else str(label)


def selfeval_trend_png(project: SelfEvalProject, item: str = ADHERENCE) -> bytes:
    """The self-evaluation trend chart as PNG, for the form's summary and the report."""
    buffer = io.BytesIO()
    selfeval_trend_figure(project, item).savefig(buffer, format="png")
    return buffer.getvalue()


def selfeval_trend_figure(project: SelfEvalProject, item: str = ADHERENCE) -> Figure:
    """Line chart of the mean score per principle over the half years (one line per principle).

    A matplotlib Figure without pyplot (no global state, Agg when saved); rings mark disagreement.
    """
    form = load_form(project)
    form_item = score_item(form, item)
    scale = form.scale_of(form_item)
    table = summary_table(project)
    table = table[table["item"] == item]
    periods = sorted({Period.parse(p) for p in table["period"]})
    position = {str(p): index for index, p in enumerate(periods)}

    figure = Figure(figsize=(8, 4.2), dpi=110)
    axes = figure.add_subplot()
    for index, principle in enumerate(form.principles):
        rows = table[table["principle"] == principle]
        if rows.empty:
            continue
        code = project.codebook.code(principle)
        xs = [position[p] for p in rows["period"]]
        # codebook colours may print as the same grey: each principle also has its own marker and dash pattern
        axes.plot(xs, rows["mean"], marker=_MARKERS[index % len(_MARKERS)], linestyle=_DASHES[index % len(_DASHES)],
                  color=code.colour, linewidth=2, markersize=6, label=code.label)
        disagree = rows[rows["disagreement"]]
        axes.scatter(
            [position[p] for p in disagree["period"]], disagree["mean"], s=180, facecolors="none",
            edgecolors=code.colour, linewidths=1.5,
        )
    axes.set_ylim(scale.min - 0.2, scale.max + 0.2)
    axes.yaxis.set_major_locator(MultipleLocator(0.5))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: numfmt.decimal(value, 1)))
    axes.set_xticks(range(len(periods)), [p.label for p in periods])
    axes.set_xlim(-0.3, max(len(periods) - 1, 0) + 0.3)
    lowest, highest = scale.labels[scale.min].lower(), scale.labels[scale.max].lower()
    axes.set_ylabel(f"Gennemsnit ({scale.min} = {lowest}, {scale.max} = {highest})")
    axes.set_title(f"{form_item.heading}: teamets gennemsnit pr. halvår")
    axes.grid(axis="y", alpha=0.3)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if periods:
        axes.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, title="Princip")
        figure.text(0.01, 0.01, "Ring om et punkt: teamet er uenigt (stor spredning i svarene).", fontsize=8,
                    color="#555555")
    else:
        axes.text(0.5, 0.5, "Ingen indsendte besvarelser endnu", ha="center", va="center", transform=axes.transAxes)
    figure.tight_layout(rect=(0, 0.04, 1, 1))
    return figure
