"""Group near-duplicate articles (versions of one story) found with MinHash and LSH.

Defaults, measured on the two versions of the BBC story in ``corpus/`` (an original and an
agency rewrite with changed sentences): their Jaccard similarity is 0.585 over 3-word shingles
and 0.494 over 5-word shingles. Rewrites change words inside sentences, which breaks every long
shingle that crosses the change, so 3-word shingles keep a rewrite recognisable while still
being specific enough that unrelated articles score near 0. A threshold of 0.4 leaves the
seeds four standard errors of a 128-permutation estimate (about 0.044) above it, and stays well
clear of unrelated articles, which share almost no 3-word shingles. With 128 permutations the
bands are 42 x 3: a pair at 0.4 becomes a candidate with probability 0.94, a pair at 0.585 with
0.9994, one at 0.05 with 0.005.
"""

from __future__ import annotations

from collections.abc import Iterable, Sized
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ..errors import AnnotateError
from .lsh import band_layout, candidate_pairs
from .minhash import EMPTY, U32, U64, MinHasher, check_int, jaccard_estimate

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_THRESHOLD = 0.4
DEFAULT_SHINGLE = 3
DEFAULT_NUM_PERM = 128

# Groups up to this size list the similarity of every pair of members; larger ones (usually
# boilerplate, not versions) list only the links that joined them, to bound the output.
ALL_PAIRS_UP_TO = 64
_VERIFY_CHUNK = 65_536


@dataclass(frozen=True, slots=True)
class VersionGroup:
    """Articles that are versions of one story.

    ``doc_ids`` are in input order. ``pairs`` are ``(doc_a, doc_b, similarity)``, most similar
    first: every pair of members for groups of up to 64 articles, else the pairs that passed the
    threshold. Members can be below the threshold with each other and still share a group
    through a third version (single linkage), which is how republished chains look.
    """

    group_id: int
    doc_ids: tuple[str, ...]
    pairs: tuple[tuple[str, str, float], ...]

    def similarity(self, doc_a: str, doc_b: str) -> float | None:
        """Similarity of two members, ``None`` if the pair is not listed."""
        for a, b, sim in self.pairs:
            if {a, b} == {doc_a, doc_b}:
                return sim
        return None


def find_versions(
    docs: Iterable[tuple[str, str]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    shingle: int = DEFAULT_SHINGLE,
    num_perm: int = DEFAULT_NUM_PERM,
    bands: int | None = None,
    exact: bool = False,
    seed: int = 1,
) -> list[VersionGroup]:
    """Find groups of near-duplicate articles among ``(doc_id, text)`` pairs.

    Documents are streamed: only their MinHash signatures (``num_perm`` uint32 each) are kept,
    so 100,000 articles need about 50 MB. LSH banding proposes candidate pairs; a candidate is
    kept when its estimated Jaccard similarity over ``shingle``-word shingles is at least
    ``threshold`` (``exact=True`` computes the exact Jaccard instead, keeping every article's
    shingle hashes in memory, about 4 bytes a word). Linked articles are grouped with
    union-find.

    ``bands`` defaults to the layout that makes a pair at ``threshold`` a candidate with
    probability 0.9 (see :func:`annotate.versions.lsh.band_layout`); rows per band are
    ``num_perm // bands``. Texts without a single word are never grouped.

    Example::

        groups = find_versions([("a", text_a), ("b", text_b), ("c", text_c)])
        [g.doc_ids for g in groups]  # [("a", "b")]
    """
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not (0.0 < threshold <= 1.0)
    ):
        raise AnnotateError(
            "E502", option="threshold", expected="a number in (0, 1]", value=threshold
        )
    hasher = MinHasher(num_perm=num_perm, shingle=shingle, seed=seed)
    if bands is None:
        bands, rows = band_layout(float(threshold), num_perm)
    else:
        check_int("bands", bands, minimum=1)
        if bands > num_perm:
            raise AnnotateError(
                "E502", option="bands", expected=f"at most num_perm ({num_perm})", value=bands
            )
        rows = num_perm // bands

    ids, sigs, sets = _collect(hasher, docs, keep_sets=exact)
    usable = np.flatnonzero(sigs[:, 0] != EMPTY)
    if len(usable) == len(sigs):  # the usual case: no copy of every signature
        cand = candidate_pairs(sigs, bands=bands, rows=rows, seed=seed)
    else:
        local = candidate_pairs(sigs[usable], bands=bands, rows=rows, seed=seed)
        cand = usable[local] if len(local) else local
    sims = _similarities(sigs, sets, cand)
    keep = sims >= threshold - 1e-12
    return _groups(ids, sigs, sets, cand[keep], sims[keep])


def versions_frame(groups: Iterable[VersionGroup]) -> pd.DataFrame:
    """One row per grouped article: ``group_id, doc_id, similar_to, similarity``.

    ``similar_to`` is the article's most similar other member, so the frame reads as "this is a
    version of that" and joins onto the ``documents`` table by ``doc_id``.
    """
    import pandas as pd

    rows: list[dict[str, object]] = []
    for group in groups:
        best: dict[str, tuple[float, str]] = {}
        for a, b, sim in group.pairs:
            for me, other in ((a, b), (b, a)):
                if me not in best or sim > best[me][0]:
                    best[me] = (sim, other)
        for doc_id in group.doc_ids:
            sim, other = best[doc_id]
            rows.append(
                {
                    "group_id": group.group_id,
                    "doc_id": doc_id,
                    "similar_to": other,
                    "similarity": sim,
                }
            )
    frame = pd.DataFrame(rows, columns=["group_id", "doc_id", "similar_to", "similarity"])
    return frame.astype({"group_id": "int64", "similarity": "float64"})


# --- helpers --------------------------------------------------------------------------------
def _collect(
    hasher: MinHasher, docs: Iterable[tuple[str, str]], *, keep_sets: bool
) -> tuple[list[str], U32, list[U64]]:
    ids: list[str] = []
    seen: dict[str, int] = {}
    # When the input knows its length, signatures go straight into one array: collecting
    # blocks and concatenating them would hold every signature twice at the end.
    size = len(docs) if isinstance(docs, Sized) else 0
    store = np.empty((size, hasher.num_perm), np.uint32)
    extra: list[U32] = []
    sets: list[U64] = []
    for block in hasher.iter_blocks(docs):
        n = len(ids)
        for doc_id in block.doc_ids:
            if doc_id in seen:
                raise AnnotateError("E501", doc_id=doc_id, first=seen[doc_id], second=len(ids))
            seen[doc_id] = len(ids)
            ids.append(doc_id)
        if not extra and len(ids) <= size:
            store[n : len(ids)] = block.signatures
        else:
            extra.append(block.signatures)
        if keep_sets:
            bounds = np.concatenate(([0], np.cumsum(block.counts)))
            sets.extend(
                np.unique(block.shingles[bounds[i] : bounds[i + 1]])
                for i in range(len(block.counts))
            )
    if extra:
        filled = len(ids) - sum(len(e) for e in extra)
        return ids, np.concatenate([store[:filled], *extra]), sets
    return ids, store[: len(ids)], sets


def _similarities(
    sigs: U32, sets: list[U64], pairs: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    if len(pairs) == 0:
        return np.empty(0, np.float64)
    if sets:
        return np.array([_exact(sets[i], sets[j]) for i, j in pairs], dtype=np.float64)
    out = np.empty(len(pairs), np.float64)
    for s in range(0, len(pairs), _VERIFY_CHUNK):
        chunk = pairs[s : s + _VERIFY_CHUNK]
        out[s : s + len(chunk)] = jaccard_estimate(sigs[chunk[:, 0]], sigs[chunk[:, 1]])
    return out


def _exact(a: U64, b: U64) -> float:
    inter = len(np.intersect1d(a, b, assume_unique=True))
    union = len(a) + len(b) - inter
    return inter / union if union else 0.0


def _groups(
    ids: list[str],
    sigs: U32,
    sets: list[U64],
    links: npt.NDArray[np.int64],
    sims: npt.NDArray[np.float64],
) -> list[VersionGroup]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:  # path compression keeps later finds O(1)
            parent[x], x = root, parent[x]
        return root

    for i, j in links.tolist():
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)  # the earliest article is the root
    members: dict[int, list[int]] = {}
    for node in {int(x) for x in links.ravel()}:
        members.setdefault(find(node), []).append(node)

    edges: dict[int, list[tuple[int, int, float]]] = {}
    for (i, j), sim in zip(links.tolist(), sims.tolist(), strict=True):
        edges.setdefault(find(i), []).append((i, j, sim))

    groups: list[VersionGroup] = []
    for gid, root in enumerate(sorted(members)):
        nodes = sorted(members[root])
        if len(nodes) <= ALL_PAIRS_UP_TO:
            idx = np.array([(a, b) for k, a in enumerate(nodes) for b in nodes[k + 1 :]])
            vals = _similarities(sigs, sets, idx).tolist()
            triples = [(int(a), int(b), s) for (a, b), s in zip(idx, vals, strict=True)]
        else:
            triples = edges[root]
        triples.sort(key=lambda t: (-t[2], t[0], t[1]))
        groups.append(
            VersionGroup(
                group_id=gid,
                doc_ids=tuple(ids[n] for n in nodes),
                pairs=tuple((ids[a], ids[b], float(s)) for a, b, s in triples),
            )
        )
    return groups
