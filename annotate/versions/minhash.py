"""MinHash signatures over word shingles, computed in batches with numpy.

Each word is hashed once (CRC-32 of its lower-cased UTF-8, deterministic across processes and
machines, unlike Python's salted ``hash``); a shingle's hash is a fixed random linear
combination of its words' hashes, computed for all windows of a batch at once; each of
``num_perm`` permutations is ``(a·x + b) mod p`` on uint64 arrays, and a document's signature
is the per-permutation minimum over its shingles. With ``p`` the largest prime below 2**32,
``x < 2**32`` and ``a, b < p``, ``a·x + b`` stays below 2**64, so uint64 arithmetic never
overflows and every signature value fits in uint32.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from ..errors import AnnotateError
from .text import words

PRIME = 4_294_967_291  # largest prime below 2**32
EMPTY = np.uint32(0xFFFF_FFFF)  # signature of a document without words: above every hash
_LOW32 = np.uint64(0xFFFF_FFFF)
_SHIFT32 = np.uint64(32)

# Shingles hashed per numpy step: 128 permutations x 8,192 shingles x 8 bytes = 8 MiB, small
# enough to stay in cache-friendly territory, large enough that Python overhead is noise.
_BATCH_SHINGLES = 8192
_WORD_CACHE_LIMIT = 2_000_000

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]


@dataclass(slots=True)
class MinHasher:
    """Turns texts into MinHash signatures (``num_perm`` uint32 values per text).

    ``shingle`` is the number of consecutive words per shingle; a text shorter than that is
    one shingle of all its words. Two hashers with the same settings and ``seed`` give the
    same signatures, so signatures computed in different runs can be compared.
    """

    num_perm: int = 128
    shingle: int = 3
    seed: int = 1
    _a: U64 = field(init=False, repr=False)
    _b: U64 = field(init=False, repr=False)
    _mix: U64 = field(init=False, repr=False)
    _cache: dict[str, int] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        check_int("num_perm", self.num_perm, minimum=1)
        check_int("shingle", self.shingle, minimum=1)
        rng = np.random.default_rng(self.seed)
        self._a = rng.integers(1, PRIME, self.num_perm, dtype=np.uint64)
        self._b = rng.integers(0, PRIME, self.num_perm, dtype=np.uint64)
        # Odd multipliers keep every word position's contribution invertible mod 2**64.
        self._mix = rng.integers(1, 2**63, self.shingle, dtype=np.uint64) | np.uint64(1)

    # --- words and shingles -------------------------------------------------------------------
    def word_hashes(self, text: str) -> U64:
        """CRC-32 of each lower-cased word of ``text``, as uint64."""
        cache = self._cache
        if len(cache) > _WORD_CACHE_LIMIT:
            cache.clear()  # bounded memory on corpora with endless vocabularies
        toks = words(text)
        hashes = list(map(cache.get, toks))  # C-speed look-ups; most words are known
        if None in hashes:
            for k, h in enumerate(hashes):
                if h is None:
                    w = toks[k]
                    hashes[k] = cache.setdefault(w, zlib.crc32(w.encode("utf-8")))
        return np.fromiter(hashes, np.uint64, len(hashes))

    def shingle_hashes(self, texts: Sequence[str]) -> tuple[U64, npt.NDArray[np.int64]]:
        """Hashes (< 2**32) of every shingle of every text, and each text's shingle count."""
        k = self.shingle
        per_doc = [self.word_hashes(t) for t in texts]
        n_words = np.array([len(h) for h in per_doc], dtype=np.int64)
        counts = np.where(n_words > 0, np.maximum(n_words - k + 1, 1), 0)
        if not counts.any():
            return np.empty(0, np.uint64), counts
        # k-1 zeros after each text: a window starting inside a text never reaches the next.
        pad = np.zeros(k - 1, np.uint64)
        flat = np.concatenate([part for h in per_doc for part in (h, pad)])
        starts = np.concatenate(([0], np.cumsum(n_words + k - 1)[:-1]))
        mixed = np.zeros(len(flat) - k + 1, np.uint64)
        for j in range(k):  # wraps mod 2**64 on purpose
            mixed += flat[j : len(flat) - k + 1 + j] * self._mix[j]
        first = np.repeat(starts, counts)
        offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        picked = mixed[first + offset]
        # Fold the 64-bit mix to 32 bits so that (a·x + b) cannot overflow.
        folded = (picked >> _SHIFT32) ^ (picked & _LOW32)
        return folded, counts

    # --- signatures ---------------------------------------------------------------------------
    def signatures(self, texts: Sequence[str]) -> U32:
        """Signatures of ``texts``, shape ``(len(texts), num_perm)``; ``EMPTY`` rows for texts
        without a word."""
        shingles, counts = self.shingle_hashes(texts)
        return self.signatures_of_shingles(shingles, counts)

    def signatures_of_shingles(self, shingles: U64, counts: npt.NDArray[np.int64]) -> U32:
        """Signatures from the output of :meth:`shingle_hashes`."""
        out = np.full((len(counts), self.num_perm), EMPTY, dtype=np.uint32)
        filled = np.flatnonzero(counts)
        if len(filled) == 0:
            return out
        seg_start = np.concatenate(([0], np.cumsum(counts[filled])[:-1]))
        a = self._a[:, None]
        b = self._b[:, None]
        prime = np.uint64(PRIME)
        # Permutation-major blocks: (num_perm, shingles) reduces along the fast axis.
        block_docs = _blocks(counts[filled], _BATCH_SHINGLES)
        for lo, hi in block_docs:
            s0 = int(seg_start[lo])
            s1 = int(seg_start[hi - 1] + counts[filled[hi - 1]])
            h = a * shingles[None, s0:s1]
            h += b
            np.remainder(h, prime, out=h)
            mins = np.minimum.reduceat(h, seg_start[lo:hi] - s0, axis=1)
            out[filled[lo:hi]] = mins.T.astype(np.uint32)
        return out

    def iter_blocks(self, docs: Iterable[tuple[str, str]], *, batch: int = 256) -> Iterator[Block]:
        """Stream the signatures of ``docs`` in blocks of at most ``batch`` documents.

        Only one block of texts is alive at a time, so memory does not grow with the corpus.
        """
        ids: list[str] = []
        texts: list[str] = []
        for doc_id, text in docs:
            if not isinstance(text, str):
                raise AnnotateError("E508", doc_id=doc_id, kind=type(text).__name__)
            ids.append(doc_id)
            texts.append(text)
            if len(ids) >= batch:
                yield self._block(ids, texts)
                ids, texts = [], []
        if ids:
            yield self._block(ids, texts)

    def _block(self, ids: list[str], texts: list[str]) -> Block:
        shingles, counts = self.shingle_hashes(texts)
        return Block(ids, self.signatures_of_shingles(shingles, counts), shingles, counts)


@dataclass(frozen=True, slots=True)
class Block:
    """Signatures of consecutive documents, with the shingle hashes they were made from."""

    doc_ids: list[str]
    signatures: U32
    shingles: U64  # every document's shingle hashes, one after the other
    counts: npt.NDArray[np.int64]  # shingles per document


def _blocks(counts: npt.NDArray[np.int64], budget: int) -> list[tuple[int, int]]:
    """Split documents into consecutive runs of about ``budget`` shingles (at least one doc)."""
    ends = np.cumsum(counts)
    out: list[tuple[int, int]] = []
    lo = 0
    base = 0
    n = len(counts)
    while lo < n:
        hi = int(np.searchsorted(ends, base + budget, side="right"))
        hi = max(hi, lo + 1)
        out.append((lo, hi))
        base = int(ends[hi - 1])
        lo = hi
    return out


def jaccard_estimate(sig_a: U32, sig_b: U32) -> npt.NDArray[np.float64]:
    """Share of equal signature values, row by row: an unbiased estimate of Jaccard."""
    equal = np.count_nonzero(sig_a == sig_b, axis=-1)
    share: npt.NDArray[np.float64] = np.asarray(equal, dtype=np.float64) / sig_a.shape[-1]
    return share


def check_int(option: str, value: object, *, minimum: int) -> None:
    """Raise E502 unless ``value`` is an int of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise AnnotateError("E502", option=option, expected=f"an integer >= {minimum}", value=value)
