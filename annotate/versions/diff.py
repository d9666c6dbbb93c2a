"""A diff of two versions as segments a widget can draw side by side.

Segments tile both texts: their source ranges, in order, cover the source text exactly once,
and their target ranges the target text, so a view can render either side by walking the list.
Unchanged sentences are matched whole (cheap, and a moved paragraph does not turn the rest of
the article into noise); the stretches between them are diffed token by token. Stretches too
long for that (texts that are not versions of each other) show as one replacement.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

from ..errors import AnnotateError
from .align import matching_blocks
from .text import Span, sentences, tokens

Anchor = tuple[int, int, int, int]  # source start, source end, target start, target end


def diff_segments(source_text: str, target_text: str) -> list[dict[str, Any]]:
    """Segments ``{op, source_start, source_end, target_start, target_end, source_text,
    target_text}`` with ``op`` one of ``equal``, ``insert`` (only in the target), ``delete``
    (only in the source) and ``replace``.

    Example::

        diff_segments("Putin said no. Talks end.", "Putin said yes. Talks end.")
        # equal "Putin said ", replace "no"/"yes", equal ". Talks end."
    """
    for name, value in (("source_text", source_text), ("target_text", target_text)):
        if not isinstance(value, str):
            raise AnnotateError(
                "E502", option=name, expected="a string", value=type(value).__name__
            )
    anchors = _anchors(source_text, target_text)
    segments: list[dict[str, Any]] = []
    s_pos = t_pos = 0
    for s0, s1, t0, t1 in [
        *anchors,
        (len(source_text), len(source_text), len(target_text), len(target_text)),
    ]:
        _gap(source_text, target_text, s_pos, s0, t_pos, t0, segments)
        if s1 > s0:
            _add(segments, "equal", s0, s1, t0, t1, source_text, target_text)
        s_pos, t_pos = s1, t1
    return segments


def _anchors(source: str, target: str) -> list[Anchor]:
    """Equal stretches in order: whole unchanged sentences, then equal token runs between."""
    s_sents = sentences(source)
    t_sents = sentences(target)
    matcher = SequenceMatcher(
        None, [source[a:b] for a, b in s_sents], [target[a:b] for a, b in t_sents], autojunk=False
    )
    anchors: list[Anchor] = []
    s_pos = t_pos = 0
    for block in matcher.get_matching_blocks():
        s_end = s_sents[block.a][0] if block.a < len(s_sents) else len(source)
        t_end = t_sents[block.b][0] if block.b < len(t_sents) else len(target)
        anchors.extend(_token_anchors(source, target, s_pos, s_end, t_pos, t_end))
        for k in range(block.size):
            sa, sb = s_sents[block.a + k]
            ta, tb = t_sents[block.b + k]
            anchors.append((sa, sb, ta, tb))
            s_pos, t_pos = sb, tb
    return anchors


def _token_anchors(source: str, target: str, s0: int, s1: int, t0: int, t1: int) -> list[Anchor]:
    s_toks = tokens(source, s0, s1)
    t_toks = tokens(target, t0, t1)
    if not s_toks or not t_toks:
        return []
    blocks = matching_blocks([source[a:b] for a, b in s_toks], [target[a:b] for a, b in t_toks])
    out: list[Anchor] = []
    for block in blocks:
        if block.size:
            out.extend(
                _equal_runs(
                    source,
                    target,
                    s_toks[block.a : block.a + block.size],
                    t_toks[block.b : block.b + block.size],
                )
            )
    return out


def _equal_runs(source: str, target: str, s_toks: list[Span], t_toks: list[Span]) -> list[Anchor]:
    """Split a run of equal tokens where the text between them differs (e.g. spacing)."""
    out: list[Anchor] = []
    start = 0
    for k in range(1, len(s_toks) + 1):
        if (
            k == len(s_toks)
            or source[s_toks[k - 1][1] : s_toks[k][0]] != target[t_toks[k - 1][1] : t_toks[k][0]]
        ):
            out.append((s_toks[start][0], s_toks[k - 1][1], t_toks[start][0], t_toks[k - 1][1]))
            start = k
    return out


def _gap(
    source: str, target: str, s0: int, s1: int, t0: int, t1: int, out: list[dict[str, Any]]
) -> None:
    if s1 <= s0 and t1 <= t0:
        return
    if s1 > s0 and t1 > t0 and source[s0:s1] != target[t0:t1]:
        # Shared spaces around a change stay "equal", so the changed words stand alone.
        lead = _common_space(source[s0:s1], target[t0:t1])
        trail = _common_space(source[s0 + lead : s1][::-1], target[t0 + lead : t1][::-1])
        _add(out, "equal", s0, s0 + lead, t0, t0 + lead, source, target)
        _change(out, s0 + lead, s1 - trail, t0 + lead, t1 - trail, source, target)
        _add(out, "equal", s1 - trail, s1, t1 - trail, t1, source, target)
        return
    if s1 > s0 and t1 > t0:
        _add(out, "equal", s0, s1, t0, t1, source, target)
        return
    _change(out, s0, s1, t0, t1, source, target)


def _change(
    out: list[dict[str, Any]], s0: int, s1: int, t0: int, t1: int, source: str, target: str
) -> None:
    if s1 > s0 and t1 > t0:
        _add(out, "replace", s0, s1, t0, t1, source, target)
    elif s1 > s0:
        _add(out, "delete", s0, s1, t0, t0, source, target)
    elif t1 > t0:
        _add(out, "insert", s0, s0, t0, t1, source, target)


def _common_space(a: str, b: str) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n] and a[n].isspace():
        n += 1
    return n


def _add(
    out: list[dict[str, Any]], op: str, s0: int, s1: int, t0: int, t1: int, source: str, target: str
) -> None:
    if s1 <= s0 and t1 <= t0:
        return
    if out and out[-1]["op"] == op:
        # Merge, so an unchanged paragraph is one segment, not one per sentence and gap.
        last = out[-1]
        last["source_end"], last["target_end"] = s1, t1
        last["source_text"] = source[last["source_start"] : s1]
        last["target_text"] = target[last["target_start"] : t1]
        return
    out.append(
        {
            "op": op,
            "source_start": s0,
            "source_end": s1,
            "target_start": t0,
            "target_end": t1,
            "source_text": source[s0:s1],
            "target_text": target[t0:t1],
        }
    )
