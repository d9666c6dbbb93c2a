"""The one form annotate writes JSON in: compact, with non-ASCII characters as they are.

The store keeps JSON columns in it and the export files write it, so an export can copy a
stored text as it is (see ``annotate.formats.columns``).
"""

from __future__ import annotations

import json
from typing import Any

# One encoder for every value: json.dumps with options builds a new one each call.
COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_COMPACT_ASCII = json.JSONEncoder(separators=(",", ":"))


def compact_json(value: Any) -> str:
    """``value`` in the compact form, unless it holds half a surrogate pair, which UTF-8
    cannot hold: then escaped, as \\udc80 (still compact)."""
    text = COMPACT.encode(value)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return _COMPACT_ASCII.encode(value)
    return text
