"""Article versions through the project: grouping and projection stored as suggestions."""

from __future__ import annotations

from annotate.project import Project
from annotate.store import Store


def test_seeds_are_versions_and_projection_arrives_as_suggestions(seeded: Store) -> None:
    project = Project(seeded)
    frame = project.versions()
    original, rewrite = seeded.doc_ids()
    assert set(frame["doc_id"]) == {original, rewrite}
    assert frame["group_id"].nunique() == 1
    text = seeded.document(original).text
    quote = "“At times we said that yes, we can discuss this, but to that we can’t agree,”"
    start = text.index(quote)
    seeded.add_span(annotator="alice", doc_id=original, layer="quote", label="DIRECT",
                    start=start, end=start + len(quote))
    putin = text.index("Vladimir Putin")
    seeded.add_span(annotator="alice", doc_id=original, layer="entity", label="PERSON",
                    start=putin, end=putin + 14)
    result = project.project_version(original, rewrite, annotator="alice")
    assert result["carried"] == 2 and result["left_out"] == []
    suggester = result["suggester"]
    target = seeded.document(rewrite).text
    offered = seeded.open_suggestions(rewrite, annotator="bob", suggester=suggester)
    assert {(s.layer, s.start, s.end) for s in offered} == {
        ("quote", target.index(quote), target.index(quote) + len(quote)),
        ("entity", target.index("Vladimir Putin"), target.index("Vladimir Putin") + 14),
    }
    assert all(s.origin == "projected" for s in offered)
    # Projections are never silent gold: nothing is in anyone's work until accepted.
    assert seeded.spans(doc_id=rewrite, annotator="alice") == []
    accepted = seeded.accept_suggestion(offered[0].span_id, annotator="alice")
    assert accepted.origin == "suggested" and accepted.source_span_id == offered[0].span_id
    again = project.project_version(original, rewrite, annotator="alice")
    assert again["already_projected"] and again["added"] == 0
    # More work on the source since: only the new span is carried.
    ushakov = text.index("Yuri Ushakov")
    seeded.add_span(annotator="alice", doc_id=original, layer="entity", label="PERSON",
                    start=ushakov, end=ushakov + 12)
    more = project.project_version(original, rewrite, annotator="alice")
    assert (more["added"], more["already_projected"]) == (1, False)
    assert len(seeded.spans(doc_id=rewrite, annotator=suggester)) == 3


def test_consistency_report_between_versions(seeded: Store) -> None:
    project = Project(seeded)
    original, rewrite = seeded.doc_ids()
    sentence = "Ukrainian President Volodymyr Zelensky has ruled out ceding territory"
    for doc_id, label in ((original, "PERSON"), (rewrite, "ORG")):
        text = seeded.document(doc_id).text
        start = text.index("Volodymyr Zelensky", text.index(sentence))
        seeded.add_span(annotator="alice", doc_id=doc_id, layer="entity", label=label,
                        start=start, end=start + len("Volodymyr Zelensky"))
    report = project.consistency(original, rewrite, annotator="alice")
    # That sentence was edited in the rewrite, so it is not compared; an identical one is.
    assert report.empty or "label_differs" not in set(report["kind"])
    same = "The BBC has not seen the reported transcript."
    for doc_id, label in ((original, "ORG"), (rewrite, "GPE")):
        text = seeded.document(doc_id).text
        seeded.add_span(annotator="alice", doc_id=doc_id, layer="entity", label=label,
                        start=text.index(same) + 4, end=text.index(same) + 7)
    report = project.consistency(original, rewrite, annotator="alice")
    (row,) = report[report["kind"] == "label_differs"].itertuples()
    assert (row.a_label, row.b_label, row.a_text) == ("ORG", "GPE", "BBC")
