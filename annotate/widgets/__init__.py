"""Widgets that run in JupyterLab: the annotator (and, later, the reviewer).

Importing this package loads anywidget and ipywidgets but never spaCy.
"""

from .annotator import Annotator

__all__ = ["Annotator"]
