"""The coding app: one module per view (panel, retrieval, matrices, memos, compare), tied together in app."""

from workbench.ui.widgets.coding.app import CodingApp
from workbench.ui.widgets.coding.shared import CONSENSUS_CODER

__all__ = ["CONSENSUS_CODER", "CodingApp", "agreement_table"]


def __getattr__(name: str):
    if name == "agreement_table":  # it needs pandas and the chapter's text: imported when asked for
        from workbench.ui.widgets.coding.compare import agreement_table

        return agreement_table
    raise AttributeError(name)
