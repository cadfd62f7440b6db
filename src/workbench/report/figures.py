"""Charts for the chapter (matplotlib without pyplot, so no global state; PNG bytes out)."""

from __future__ import annotations

import io

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MultipleLocator

from workbench.lang import numbers as numfmt


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150)
    return buffer.getvalue()


def selfeval_principle_trend(rows, periods: list[str], period_labels: list[str], colour: str, title: str,
                             scale_min: int, scale_max: int) -> bytes:
    """One line per self-evaluation item (adherence bold, the GUIDE criteria thin) over the half years.

    `rows` is the selfeval summary table filtered to one principle.
    """
    figure = Figure(figsize=(7.5, 3.6))
    axes = figure.add_subplot()
    position = {p: i for i, p in enumerate(periods)}
    for item_key, part in rows.groupby("item", sort=False):
        label = part["item_label"].iloc[0]
        xs = [position[p] for p in part["period"]]
        adherence = item_key == "adherence"
        axes.plot(xs, part["mean"], marker="o", linewidth=2.6 if adherence else 1.2,
                  color=colour if adherence else None, alpha=1 if adherence else 0.75, label=label)
    axes.set_ylim(scale_min - 0.2, scale_max + 0.2)
    axes.yaxis.set_major_locator(MultipleLocator(1))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: numfmt.decimal(v, 0)))
    axes.set_xticks(range(len(periods)), period_labels)
    axes.set_ylabel("Gennemsnit (1–5)")
    axes.set_title(title, fontsize=10)
    axes.grid(axis="y", alpha=0.3)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize=8)
    figure.tight_layout()
    return _png(figure)


def survey_start_end(labels: list[str], start: list[float | None], end: list[float | None],
                     start_label: str, end_label: str, title: str) -> bytes:
    """Paired horizontal bars: share at the first and the last time point for each item."""
    figure = Figure(figsize=(7.5, 0.9 + 0.75 * len(labels)))
    axes = figure.add_subplot()
    ys = range(len(labels))
    height = 0.36
    axes.barh([y + height / 2 for y in ys], [v or 0 for v in start], height, color="#b8c4d6", label=start_label)
    axes.barh([y - height / 2 for y in ys], [v or 0 for v in end], height, color="#1b6ca8", label=end_label)
    for y, value in zip(ys, start):
        if value is not None:
            axes.text(value + 1, y + height / 2, numfmt.percent(value), va="center", fontsize=8)
    for y, value in zip(ys, end):
        if value is not None:
            axes.text(value + 1, y - height / 2, numfmt.percent(value), va="center", fontsize=8)
    axes.set_yticks(list(ys), labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 110)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: numfmt.percent(v) if v <= 100 else ""))
    axes.set_title(title, fontsize=10)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(loc="lower right", frameon=False, fontsize=8)
    figure.tight_layout()
    return _png(figure)
