"""Synthetic corpora with planted versions, to measure near-duplicate detection.

Articles are sentences of pseudo-words drawn from a Zipf-like distribution (so unrelated
articles share frequent words and short phrases, as real news does). A planted version is a
copy of an article edited the way rewrites are: some sentences dropped, some rewritten in part,
some added, a few words swapped. Texts are generated on demand from the seed and the article
number, so a corpus of 100,000 articles streams in constant memory and is the same every run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import numpy.typing as npt

_SYLLABLES = (*(c + v for c in "bdfgklmnprstvz" for v in "aeiou"), "an", "en", "or", "il")


@dataclass(slots=True)
class SyntheticCorpus:
    """``n_docs`` articles, ``dup_share`` of them in planted clusters of versions.

    Iterate for ``(doc_id, text)`` pairs; :attr:`clusters` lists the planted clusters' doc ids
    and :meth:`planted_pairs` every pair inside one. ``edit`` is the share of sentences each
    version changes (dropped, rewritten in part or added), drawn per version from that range.
    """

    n_docs: int
    dup_share: float = 0.2
    cluster_sizes: tuple[int, int] = (2, 4)
    words: tuple[int, int] = (300, 600)
    edit: tuple[float, float] = (0.05, 0.3)
    vocabulary: int = 30_000
    seed: int = 0
    clusters: list[list[str]] = field(init=False, default_factory=list)
    _plan: list[tuple[int, int]] = field(init=False, default_factory=list)  # (article, versions)
    _vocab: npt.NDArray[np.str_] = field(init=False, repr=False)
    _cdf: npt.NDArray[np.float64] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        rng = np.random.default_rng(self.seed)
        vocab: dict[str, None] = {}
        while len(vocab) < self.vocabulary:
            lengths = rng.integers(1, 4, 2 * self.vocabulary)
            picks = rng.integers(0, len(_SYLLABLES), (2 * self.vocabulary, 3))
            for n, row in zip(lengths.tolist(), picks.tolist(), strict=True):
                vocab.setdefault("".join(_SYLLABLES[k] for k in row[:n]))
        self._vocab = np.array(list(vocab)[: self.vocabulary])
        weights = 1.0 / np.arange(1, self.vocabulary + 1) ** 1.05
        self._cdf = np.cumsum(weights / weights.sum())
        # Plan: which articles get versions, and how many documents each cluster has.
        remaining = self.n_docs
        planted = int(self.n_docs * self.dup_share)
        article = 0
        while remaining > 0:
            size = 1
            if planted > 0:
                size = int(rng.integers(self.cluster_sizes[0], self.cluster_sizes[1] + 1))
                size = min(size, remaining, planted)
                planted -= size
            self._plan.append((article, size))
            if size > 1:
                self.clusters.append([_doc_id(article, v) for v in range(size)])
            remaining -= size
            article += 1

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return self._generate(self._plan)

    def cluster_docs(self) -> Iterator[tuple[str, str]]:
        """Only the documents of planted clusters, without generating the rest."""
        return self._generate([(a, size) for a, size in self._plan if size > 1])

    def _generate(self, plan: list[tuple[int, int]]) -> Iterator[tuple[str, str]]:
        for article, size in plan:
            sentences = self._article(article)
            yield _doc_id(article, 0), _join(sentences)
            for version in range(1, size):
                yield _doc_id(article, version), _join(self._edit(sentences, article, version))

    def __len__(self) -> int:
        return self.n_docs

    def planted_pairs(self) -> set[tuple[str, str]]:
        """Every pair of documents inside one planted cluster, as sorted tuples."""
        return {(a, b) for c in self.clusters for a, b in combinations(sorted(c), 2)}

    # --- generation ---------------------------------------------------------------------------
    def _sentence(self, rng: np.random.Generator) -> str:
        ids = np.searchsorted(self._cdf, rng.random(int(rng.integers(8, 30))))
        ids = np.minimum(ids, self.vocabulary - 1)
        words = self._vocab[ids]
        return " ".join(words).capitalize() + "."

    def _article(self, article: int) -> list[str]:
        rng = np.random.default_rng([self.seed, article])
        target = int(rng.integers(self.words[0], self.words[1] + 1))
        out: list[str] = []
        total = 0
        while total < target:
            out.append(self._sentence(rng))
            total += out[-1].count(" ") + 1
        return out

    def _edit(self, sentences: list[str], article: int, version: int) -> list[str]:
        rng = np.random.default_rng([self.seed, article, version])
        rate = float(rng.uniform(*self.edit))
        out: list[str] = []
        for sentence in sentences:
            roll = rng.random()
            if roll < rate / 3:
                continue  # dropped
            if roll < 2 * rate / 3:
                words = sentence[:-1].split()
                keep = int(len(words) * rng.uniform(0.3, 0.7))
                fresh = self._sentence(rng)[:-1].lower().split()
                out.append(" ".join(words[:keep] + fresh[: len(words) - keep]) + ".")
                continue  # rewritten in its second part
            out.append(sentence)
            if roll > 1 - rate / 3:
                out.append(self._sentence(rng))  # added
        return out


def _doc_id(article: int, version: int) -> str:
    return f"a{article:06d}" if version == 0 else f"a{article:06d}-v{version}"


def _join(sentences: list[str]) -> str:
    # Paragraphs of three sentences, as in news copy.
    return "\n\n".join(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))
