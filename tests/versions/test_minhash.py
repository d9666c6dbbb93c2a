"""MinHash signatures: arithmetic, determinism, edge cases, and agreement with exact Jaccard."""

from __future__ import annotations

import numpy as np
import pytest

from annotate.errors import AnnotateError
from annotate.versions.minhash import EMPTY, PRIME, MinHasher, jaccard_estimate


def _exact(hasher: MinHasher, a: str, b: str) -> float:
    sa = set(hasher.shingle_hashes([a])[0].tolist())
    sb = set(hasher.shingle_hashes([b])[0].tolist())
    return len(sa & sb) / len(sa | sb)


def test_permutations_never_overflow_uint64() -> None:
    hasher = MinHasher(num_perm=16)
    x = np.array([0, 1, 2**32 - 1, 123_456_789], dtype=np.uint64)
    sigs = hasher.signatures_of_shingles(x, np.array([1, 1, 1, 1]))
    for row, value in zip(sigs, x.tolist(), strict=True):
        # Python integers do not overflow: the same formula, computed exactly.
        want = [
            (int(a) * value + int(b)) % PRIME for a, b in zip(hasher._a, hasher._b, strict=True)
        ]
        assert row.tolist() == want


def test_signatures_are_uint32_and_deterministic_across_hashers() -> None:
    texts = ["Putin said the talks were reasonably good.", "Zelensky ruled out ceding territory."]
    one = MinHasher(seed=7).signatures(texts)
    two = MinHasher(seed=7).signatures(list(reversed(texts)))[::-1]
    assert one.dtype == np.uint32 and one.shape == (2, 128)
    assert (one == two).all()
    assert (one < PRIME).all()


def test_batching_does_not_change_signatures() -> None:
    texts = [f"article {i} says that talk number {i % 7} went well for everyone" for i in range(50)]
    hasher = MinHasher()
    whole = hasher.signatures(texts)
    blocks = np.concatenate(
        [b.signatures for b in hasher.iter_blocks(enumerate_ids(texts), batch=7)]
    )
    assert (whole == blocks).all()


def enumerate_ids(texts: list[str]) -> list[tuple[str, str]]:
    return [(str(i), t) for i, t in enumerate(texts)]


def test_texts_without_words_get_the_empty_signature() -> None:
    sigs = MinHasher().signatures(["", "  \n ", "—…!", "one"])
    assert (sigs[:3] == EMPTY).all()
    assert (sigs[3] != EMPTY).all()


def test_text_shorter_than_a_shingle_is_one_shingle() -> None:
    hasher = MinHasher(shingle=5)
    shingles, counts = hasher.shingle_hashes(["two words", "", "exactly five words in here"])
    assert counts.tolist() == [1, 0, 1]
    assert len(shingles) == 2


def test_shingles_ignore_case_and_punctuation() -> None:
    hasher = MinHasher()
    a = hasher.signatures(["“Either we liberate these territories,” he said."])
    b = hasher.signatures(["EITHER we liberate these territories, he said"])
    assert (a == b).all()


def test_estimate_tracks_exact_jaccard(original: str, rewrite: str) -> None:
    hasher = MinHasher(num_perm=512)
    sigs = hasher.signatures([original, rewrite])
    estimate = float(jaccard_estimate(sigs[0], sigs[1]))
    exact = _exact(hasher, original, rewrite)
    assert exact == pytest.approx(0.585, abs=0.001)  # the figure the defaults are tuned on
    # Standard error at 512 permutations is about 0.022; allow four of them.
    assert abs(estimate - exact) < 0.09


@pytest.mark.parametrize("option", ["num_perm", "shingle"])
@pytest.mark.parametrize("value", [0, -1, 2.5, True])
def test_bad_options_are_refused(option: str, value: object) -> None:
    with pytest.raises(AnnotateError) as err:
        MinHasher(**{option: value})  # type: ignore[arg-type]
    assert err.value.code == "E502"
    assert option in str(err.value)
