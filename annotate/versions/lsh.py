"""Locality-sensitive hashing: candidate pairs from MinHash signatures without comparing all.

Signatures are cut into ``bands`` bands of ``rows`` values; two documents become a candidate
pair when all values of at least one band are equal, which happens with probability
``1 - (1 - J**rows)**bands`` for Jaccard similarity ``J``. Candidates are then verified, so the
banding is tuned for recall and the verification takes care of precision.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..errors import AnnotateError
from .minhash import U32, check_int

# Probability that a pair exactly at the threshold becomes a candidate, when the bands are
# chosen for the caller. Pairs at the threshold are lost half the time by the (noisy)
# verification anyway; asking for more recall here costs many more false candidates.
CANDIDATE_RECALL = 0.9

# Each document is paired with at most this many following documents of its bucket (in
# document order). A bucket of m near-identical documents then costs O(m·64) pairs instead of
# m²/2, and stays connected because neighbours are always paired.
MAX_NEIGHBOURS = 64

I64 = npt.NDArray[np.int64]


def band_layout(threshold: float, num_perm: int) -> tuple[int, int]:
    """``(bands, rows)`` for ``num_perm`` values: the most rows per band (fewest false
    candidates) that still make a pair at ``threshold`` a candidate with probability at least
    ``CANDIDATE_RECALL``."""
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if 1.0 - (1.0 - threshold**rows) ** bands >= CANDIDATE_RECALL:
            best = (bands, rows)
        else:
            break
    return best


def candidate_probability(similarity: float, bands: int, rows: int) -> float:
    """Probability that two documents of Jaccard ``similarity`` become a candidate pair."""
    return float(1.0 - (1.0 - similarity**rows) ** bands)


def candidate_pairs(
    signatures: U32, *, bands: int, rows: int, seed: int = 1, max_neighbours: int = MAX_NEIGHBOURS
) -> I64:
    """Candidate pairs ``(i, j)``, ``i < j``, row indices into ``signatures``, unique, sorted."""
    check_int("bands", bands, minimum=1)
    check_int("rows", rows, minimum=1)
    n, num_perm = signatures.shape
    if bands * rows > num_perm:
        raise AnnotateError(
            "E502",
            option="bands x rows",
            expected=f"at most num_perm ({num_perm})",
            value=bands * rows,
        )
    if n < 2:
        return np.empty((0, 2), np.int64)
    mix = np.random.default_rng(seed).integers(1, 2**63, rows, dtype=np.uint64) | np.uint64(1)
    width = np.int64(n)
    found: list[I64] = []
    pending = 0
    for band in range(bands):
        cols = signatures[:, band * rows : (band + 1) * rows]
        # One 64-bit key per document and band; a rare accidental collision only adds a
        # candidate, which verification then rejects.
        key = np.zeros(n, np.uint64)
        for r in range(rows):
            key += cols[:, r].astype(np.uint64) * mix[r]
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        for d in range(1, min(max_neighbours, n - 1) + 1):
            same = np.flatnonzero(sorted_key[d:] == sorted_key[:-d])
            if len(same) == 0:
                break
            i, j = order[same], order[same + d]
            found.append(np.minimum(i, j) * width + np.maximum(i, j))
            pending += len(same)
        if pending > 4_000_000:  # the same pair turns up in many bands: fold duplicates
            found = [np.unique(np.concatenate(found))]
            pending = len(found[0])
    if not found:
        return np.empty((0, 2), np.int64)
    codes = np.unique(np.concatenate(found))
    return np.stack((codes // width, codes % width), axis=1)
