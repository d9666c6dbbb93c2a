"""Benchmark near-duplicate detection on a synthetic corpus with planted versions.

Streams ``--n`` synthetic articles (300-600 words, 20% of them in clusters of 2-4 versions made
by dropping, rewriting and adding sentences) through ``find_versions`` and prints the time
spent in detection (article generation excluded), peak memory, and recall of the planted pairs.
The baseline, measured in the same run, is comparing every pair of signatures: timed on a
sample and scaled by the number of pairs, since at 100,000 articles it would take hours.

    .venv/bin/python bench/bench_versions.py            # 5,000 articles, a few seconds
    .venv/bin/python bench/bench_versions.py --n 100000
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Iterator

from annotate.versions import find_versions, grouping
from annotate.versions.grouping import DEFAULT_NUM_PERM, DEFAULT_SHINGLE, DEFAULT_THRESHOLD
from annotate.versions.lsh import band_layout
from annotate.versions.minhash import MinHasher, jaccard_estimate
from annotate.versions.synthetic import SyntheticCorpus


class Timed:
    """Wraps an iterable and adds up the time spent producing its items."""

    def __init__(self, items: SyntheticCorpus) -> None:
        self.items = items
        self.seconds = 0.0

    def __len__(self) -> int:
        # find_versions preallocates its signature array when the input has a length.
        return len(self.items)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        it = iter(self.items)
        while True:
            t = time.perf_counter()
            try:
                item = next(it)
            except StopIteration:
                self.seconds += time.perf_counter() - t
                return
            self.seconds += time.perf_counter() - t
            yield item


def timed_stage(module: object, name: str, spent: dict[str, float]) -> None:
    """Replace ``module.name`` by a wrapper that adds its run time to ``spent[name]``."""
    inner = getattr(module, name)

    def wrapper(*args: object, **kwargs: object) -> object:
        t = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - t

    setattr(module, name, wrapper)


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def brute_force_seconds(corpus: SyntheticCorpus, sample: int, n: int) -> float:
    """Seconds to compare all n(n-1)/2 signature pairs, from timing ``sample`` articles."""
    hasher = MinHasher(num_perm=DEFAULT_NUM_PERM, shingle=DEFAULT_SHINGLE)
    texts = []
    for _, text in corpus:
        texts.append(text)
        if len(texts) == sample:
            break
    sigs = hasher.signatures(texts)
    t = time.perf_counter()
    for i in range(len(sigs) - 1):
        jaccard_estimate(sigs[i + 1 :], sigs[i][None, :])
    per_pair = (time.perf_counter() - t) / (len(sigs) * (len(sigs) - 1) / 2)
    return per_pair * n * (n - 1) / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=5_000, help="articles (default 5,000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="2,000 articles")
    args = parser.parse_args()
    if args.quick:
        args.n = 2_000

    corpus = SyntheticCorpus(args.n, seed=args.seed)
    spent: dict[str, float] = {}
    # Stage times: LSH banding, then verification of the candidates it proposes.
    timed_stage(grouping, "candidate_pairs", spent)
    timed_stage(grouping, "_similarities", spent)
    rss_before = peak_rss_mb()
    stream = Timed(corpus)
    start = time.perf_counter()
    groups = find_versions(stream)
    total = time.perf_counter() - start
    detect = total - stream.seconds
    rss_after = peak_rss_mb()

    planted = corpus.planted_pairs()
    found = {tuple(sorted((a, b))) for g in groups for a, b, _ in g.pairs}
    # Recall also among pairs similar enough to be findable: exact Jaccard >= threshold.
    hasher = MinHasher(shingle=DEFAULT_SHINGLE)
    texts = dict(corpus.cluster_docs())
    findable = {p for p in planted if _exact(hasher, texts[p[0]], texts[p[1]]) >= DEFAULT_THRESHOLD}
    brute = brute_force_seconds(corpus, min(2_000, args.n), args.n)
    bands, rows = band_layout(DEFAULT_THRESHOLD, DEFAULT_NUM_PERM)

    print(
        f"articles                 {args.n:,} ({len(corpus.clusters):,} planted clusters, "
        f"{len(planted):,} planted pairs)"
    )
    print(
        f"settings                 shingle={DEFAULT_SHINGLE} words, threshold={DEFAULT_THRESHOLD}, "
        f"num_perm={DEFAULT_NUM_PERM}, bands={bands}x{rows}"
    )
    print(
        f"detection time           {detect:,.1f} s ({detect / args.n * 1e6:,.0f} us/article; "
        f"generating the articles took another {stream.seconds:,.1f} s)"
    )
    print(
        f"peak memory (RSS)        {rss_after:,.0f} MB (before: {rss_before:,.0f} MB; "
        f"signatures alone {args.n * DEFAULT_NUM_PERM * 4 / 1e6:,.0f} MB)"
    )
    print(f"groups found             {len(groups):,}; pairs in groups {len(found):,}")
    print(f"recall, planted pairs    {len(found & planted) / max(len(planted), 1):.4f}")
    print(
        f"recall, findable pairs   {len(found & findable) / max(len(findable), 1):.4f} "
        f"({len(findable):,} planted pairs with exact Jaccard >= {DEFAULT_THRESHOLD})"
    )
    print(f"precision                {len(found & planted) / max(len(found), 1):.4f}")
    pair_search = spent["candidate_pairs"] + spent["_similarities"]
    print(
        f"pair search              {pair_search:,.2f} s (LSH banding "
        f"{spent['candidate_pairs']:,.2f} s, verification and group similarities "
        f"{spent['_similarities']:,.2f} s)"
    )
    print(
        f"baseline: all pairs      {brute:,.1f} s estimated (every pair of signatures compared, "
        f"timed on {min(2_000, args.n):,} articles): LSH pair search is "
        f"{brute / pair_search:,.0f}x faster, whole detection "
        f"{(detect - pair_search + brute) / detect:,.1f}x"
    )


def _exact(hasher: MinHasher, a: str, b: str) -> float:
    sa = set(hasher.shingle_hashes([a])[0].tolist())
    sb = set(hasher.shingle_hashes([b])[0].tolist())
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


if __name__ == "__main__":
    main()
