"""Arbejdsbord til principfokuseret evaluering (principle-focused evaluation workbench)."""

__version__ = "0.1.0"
