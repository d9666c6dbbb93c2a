"""Pausing Python's cycle collector while a bulk read builds millions of small objects.

Rows, lists and dicts made by the hundred thousand each count towards the collector's next
pass, and passes walk the containers still alive: building a chunk of a large table spent
several times its own work in them. Nothing built there refers back to itself, so there is no
cycle to find; the collector runs again as soon as the block ends.

The collector is one for the whole process, so blocks on several threads are counted: the
first to enter pauses it, the last to leave restores what the first found.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block without cycle collection; restore the collector's state after it."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
