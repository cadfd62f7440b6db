"""The coding app: one module per view (panel, retrieval, matrices, memos, compare), tied together in app."""

from workbench.ui.widgets.coding.app import CodingApp
from workbench.ui.widgets.coding.compare import agreement_table
from workbench.ui.widgets.coding.shared import CONSENSUS_CODER

__all__ = ["CONSENSUS_CODER", "CodingApp", "agreement_table"]
