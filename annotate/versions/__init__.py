"""Article versions: find republished copies of a story and carry annotations between them.

Pure functions over plain data (texts, span and relation records); nothing here touches the
store. Typical use::

    from annotate.versions import find_versions, project_spans

    groups = find_versions((doc.doc_id, doc.text) for doc in documents)
    result = project_spans(text_000, text_001, spans, relations, source_doc_id="000")
"""

from .align import SentencePair, TextAlignment, align_texts
from .consistency import consistency
from .diff import diff_segments
from .grouping import VersionGroup, find_versions, versions_frame
from .minhash import MinHasher
from .project import Projection, project_spans

__all__ = [
    "MinHasher",
    "Projection",
    "SentencePair",
    "TextAlignment",
    "VersionGroup",
    "align_texts",
    "consistency",
    "diff_segments",
    "find_versions",
    "project_spans",
    "versions_frame",
]
