"""Articles from files: .txt (with the metadata a person reads in it), .jsonl and .csv rows.

:func:`read_corpus` yields documents and coded problems; :mod:`.ingest` adds a corpus to a
project, all of it or nothing.
"""

from .readers import DEFAULT_MAX_CHARS, Problem, parse_txt_article, read_corpus

__all__ = ["DEFAULT_MAX_CHARS", "Problem", "parse_txt_article", "read_corpus"]
