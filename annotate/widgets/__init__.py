"""Widgets that run in JupyterLab: the annotator and the reviewer (adjudication).

Importing this package loads anywidget and ipywidgets but never spaCy.
"""

from .annotator import Annotator
from .review import Reviewer

__all__ = ["Annotator", "Reviewer"]
