"""Finding versions: the seed articles, a synthetic corpus with planted clusters, the frame."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from annotate.errors import AnnotateError
from annotate.versions import VersionGroup, find_versions, versions_frame
from annotate.versions.synthetic import SyntheticCorpus

UNRELATED = [
    (
        "recipe",
        "Bring a large pot of salted water to the boil. Add the pasta and cook for nine minutes, "
        "stirring now and then. Meanwhile fry the garlic in olive oil until golden, add the "
        "tomatoes and simmer for ten minutes. Drain the pasta, toss it with the sauce and serve "
        "with grated cheese and fresh basil.",
    ),
    (
        "football",
        "The home side took the lead after twelve minutes when the captain headed in a corner. "
        "The visitors equalised before half-time from the penalty spot, and a late goal from the "
        "substitute settled a tense match in front of a record crowd at the stadium.",
    ),
    (
        "ukraine-other",
        "Ukraine said on Monday that its air defences had shot down dozens of drones overnight, "
        "while Russia reported attacks on its border regions. Officials in Kyiv said energy "
        "facilities were hit in several regions and repair crews were working to restore power "
        "to thousands of homes before the winter cold.",
    ),
]


def test_the_seed_versions_are_grouped(original: str, rewrite: str) -> None:
    groups = find_versions([("000", original), *UNRELATED, ("001", rewrite)])
    assert [g.doc_ids for g in groups] == [("000", "001")]
    similarity = groups[0].similarity("001", "000")
    assert similarity is not None and similarity >= 0.4


def test_exact_mode_reports_the_exact_jaccard(original: str, rewrite: str) -> None:
    groups = find_versions([("000", original), ("001", rewrite)], exact=True)
    assert groups[0].pairs[0][2] == pytest.approx(0.5851, abs=1e-4)


def test_unrelated_articles_are_not_grouped() -> None:
    assert find_versions(UNRELATED) == []


def test_planted_clusters_are_recovered() -> None:
    corpus = SyntheticCorpus(1_500, dup_share=0.3, seed=3)
    groups = find_versions(corpus)
    found = {tuple(sorted((a, b))) for g in groups for a, b, _ in g.pairs}
    planted = corpus.planted_pairs()
    assert len(found & planted) / len(planted) >= 0.98
    assert found <= planted  # nothing grouped that was not planted
    clusters = {frozenset(c) for c in corpus.clusters}
    recovered = sum(frozenset(g.doc_ids) in clusters for g in groups)
    assert recovered / len(clusters) >= 0.95


def test_chains_are_grouped_through_a_middle_version() -> None:
    base = " ".join(f"word{i}" for i in range(60))
    words = base.split()
    middle = " ".join(words[:45] + [f"new{i}" for i in range(15)])
    far = " ".join(words[:30] + [f"new{i}" for i in range(15)] + [f"other{i}" for i in range(15)])
    groups = find_versions([("a", base), ("b", middle), ("c", far)], exact=True, threshold=0.45)
    assert [g.doc_ids for g in groups] == [("a", "b", "c")]
    sim = groups[0].similarity("a", "c")
    assert sim is not None and sim < 0.45  # linked only through "b"


def test_identical_and_empty_documents() -> None:
    text = "The same short article, published twice by two different sites today."
    groups = find_versions([("x", text), ("y", text), ("e1", ""), ("e2", "   "), ("e3", "")])
    assert [(g.doc_ids, g.pairs) for g in groups] == [(("x", "y"), (("x", "y", 1.0),))]


def test_no_documents() -> None:
    assert find_versions([]) == []
    frame = versions_frame([])
    assert list(frame.columns) == ["group_id", "doc_id", "similar_to", "similarity"]
    assert frame.empty


def test_frame_has_one_row_per_grouped_article() -> None:
    groups = [
        VersionGroup(0, ("a", "b", "c"), (("a", "b", 0.9), ("b", "c", 0.6), ("a", "c", 0.5))),
        VersionGroup(1, ("d", "e"), (("d", "e", 0.7),)),
    ]
    frame = versions_frame(groups)
    assert frame.to_dict("records") == [
        {"group_id": 0, "doc_id": "a", "similar_to": "b", "similarity": 0.9},
        {"group_id": 0, "doc_id": "b", "similar_to": "a", "similarity": 0.9},
        {"group_id": 0, "doc_id": "c", "similar_to": "b", "similarity": 0.6},
        {"group_id": 1, "doc_id": "d", "similar_to": "e", "similarity": 0.7},
        {"group_id": 1, "doc_id": "e", "similar_to": "d", "similarity": 0.7},
    ]
    assert str(frame["group_id"].dtype) == "int64"
    assert str(frame["similarity"].dtype) == "float64"


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(AnnotateError) as err:
        find_versions([("a", "one text"), ("b", "two"), ("a", "three")])
    assert err.value.code == "E501"
    assert "'a'" in str(err.value) and "#0" in str(err.value) and "#2" in str(err.value)


def test_texts_must_be_strings() -> None:
    with pytest.raises(AnnotateError) as err:
        find_versions([("a", None)])  # type: ignore[list-item]
    assert err.value.code == "E508"


@pytest.mark.parametrize(
    ("options", "name"),
    [
        ({"threshold": 0}, "threshold"),
        ({"threshold": 1.5}, "threshold"),
        ({"threshold": "high"}, "threshold"),
        ({"shingle": 0}, "shingle"),
        ({"num_perm": 0}, "num_perm"),
        ({"bands": 0}, "bands"),
        ({"bands": 200}, "bands"),
    ],
)
def test_bad_settings_are_refused(options: dict[str, object], name: str) -> None:
    with pytest.raises(AnnotateError) as err:
        find_versions([("a", "text")], **options)  # type: ignore[arg-type]
    assert err.value.code == "E502"
    assert name in str(err.value)


def test_documents_are_streamed_once() -> None:
    consumed = []

    def stream() -> Iterator[tuple[str, str]]:
        for i in range(5):
            consumed.append(i)
            yield f"d{i}", f"story number {i} about something else entirely {i * 7}"

    find_versions(stream())
    assert consumed == [0, 1, 2, 3, 4]


class _Sized:
    """An input whose stated length is wrong; find_versions must not trust it blindly."""

    def __init__(self, docs: list[tuple[str, str]], stated: int) -> None:
        self.docs, self.stated = docs, stated

    def __len__(self) -> int:
        return self.stated

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.docs)


@pytest.mark.parametrize("stated", [0, 3, 300, 1000])
def test_inputs_with_a_length_give_the_same_groups(stated: int) -> None:
    docs = list(SyntheticCorpus(300, dup_share=0.5, seed=5))
    expected = find_versions(docs)
    assert find_versions(_Sized(docs, stated)) == expected
    assert find_versions(iter(docs)) == expected
