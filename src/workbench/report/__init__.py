"""The evaluation chapter: a chapter model built from the project, rendered to Word."""

from .build import build_chapter
from .word import write_docx

__all__ = ["build_chapter", "write_docx"]
