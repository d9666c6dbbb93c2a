"""Tasks for a cluster's workers: their sizes, and suggestions' round trip through a worker."""

from __future__ import annotations

from annotate.core.records import DocSuggestions, Document, RelationSuggestion, SpanSuggestion
from annotate.suggest.cluster import MIN_TASK_DOCS, _chunks, _pack, _unpack


def _documents(n: int) -> list[Document]:
    return [Document(f"d{i}", f"text {i}") for i in range(n)]


def test_tasks_keep_their_size_when_the_total_is_unknown() -> None:
    sizes = [len(task) for task in _chunks(_documents(150), 64, total=None, workers=2)]
    assert sizes == [64, 64, 22]


def test_tasks_shrink_towards_the_end_of_a_run_and_cover_every_document_in_order() -> None:
    documents = _documents(400)
    tasks = list(_chunks(documents, 64, total=400, workers=2))
    sizes = [len(task) for task in tasks]
    assert sizes[0] == 64 and max(sizes) == 64
    assert sizes == sorted(sizes, reverse=True)
    assert min(sizes[:-1]) == MIN_TASK_DOCS and sizes[-1] <= MIN_TASK_DOCS
    assert [d for task in tasks for d in task] == documents


def test_tasks_never_exceed_the_size_asked_for() -> None:
    sizes = [len(task) for task in _chunks(_documents(9), 2, total=9, workers=2)]
    assert sizes == [2, 2, 2, 2, 1]


def test_suggestions_come_back_from_a_worker_as_they_left() -> None:
    suggestions = [
        DocSuggestions(
            [
                SpanSuggestion("q0", "quote", "DIRECT", 0, 12, {"reason": "r", "confidence": 0.9}),
                SpanSuggestion("s0", "source", "SOURCE", 14, 20, {"speaker": None}),
            ],
            [RelationSuggestion("said_by", "q0", "s0")],
        ),
        DocSuggestions(uncertainty=0.25),
    ]
    assert list(_unpack([_pack(s) for s in suggestions])) == suggestions
