"""annotate: gold-standard news annotation inside JupyterLab.

>>> import annotate
>>> project = annotate.open_project("annotate.db")   # doctest: +SKIP
>>> project.ingest("corpus/")                        # doctest: +SKIP
"""

from .core.records import Document
from .core.scheme import Scheme
from .corpus import read_corpus
from .errors import AnnotateError
from .project import Project, open_project

__version__ = "0.1.0"

__all__ = [
    "AnnotateError",
    "Annotator",
    "Document",
    "Project",
    "Reviewer",
    "Scheme",
    "open_project",
    "read_corpus",
]


def __getattr__(name: str) -> object:
    # The widgets pull in ipywidgets and anywidget: load them only when asked for, so
    # `import annotate` and the CLI stay fast.
    if name in ("Annotator", "Reviewer"):
        from . import widgets

        return getattr(widgets, name)
    raise AttributeError(f"module 'annotate' has no attribute {name!r}")
