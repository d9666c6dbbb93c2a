"""LSH banding: layout choice and candidate pairs."""

from __future__ import annotations

import numpy as np
import pytest

from annotate.errors import AnnotateError
from annotate.versions.lsh import (
    CANDIDATE_RECALL,
    band_layout,
    candidate_pairs,
    candidate_probability,
)


@pytest.mark.parametrize("threshold", [0.3, 0.4, 0.5, 0.7, 0.9])
def test_layout_meets_the_recall_target_with_the_most_rows(threshold: float) -> None:
    bands, rows = band_layout(threshold, 128)
    assert bands * rows <= 128
    assert candidate_probability(threshold, bands, rows) >= CANDIDATE_RECALL
    wider = (128 // (rows + 1), rows + 1)
    assert candidate_probability(threshold, *wider) < CANDIDATE_RECALL


def test_default_layout_is_42_bands_of_3() -> None:
    assert band_layout(0.4, 128) == (42, 3)


def test_identical_signatures_become_candidates_and_distinct_ones_do_not() -> None:
    rng = np.random.default_rng(0)
    sigs = rng.integers(0, 2**32 - 5, (6, 12), dtype=np.uint64).astype(np.uint32)
    sigs[4] = sigs[1]
    sigs[5, :3] = sigs[2, :3]  # shares exactly one band of 3 rows
    pairs = candidate_pairs(sigs, bands=4, rows=3)
    assert pairs.tolist() == [[1, 4], [2, 5]]


def test_large_buckets_stay_connected_without_all_pairs() -> None:
    sigs = np.zeros((200, 8), dtype=np.uint32)  # 200 identical documents
    pairs = candidate_pairs(sigs, bands=2, rows=4, max_neighbours=3)
    assert len(pairs) < 200 * 199 // 2
    # Consecutive neighbours are always paired, so one chain links everything.
    linked = {(int(a), int(b)) for a, b in pairs}
    assert all((i, i + 1) in linked for i in range(199))


def test_too_many_bands_are_refused() -> None:
    with pytest.raises(AnnotateError) as err:
        candidate_pairs(np.zeros((3, 8), dtype=np.uint32), bands=3, rows=3)
    assert err.value.code == "E502"


def test_fewer_than_two_documents_have_no_pairs() -> None:
    assert candidate_pairs(np.zeros((1, 8), dtype=np.uint32), bands=2, rows=4).shape == (0, 2)
