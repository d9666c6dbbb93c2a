"""A fully annotated seed article (quote, source, cue, entity, claim, links, status, time)."""

from __future__ import annotations

from annotate.store import Store


def annotate_sample(store: Store, annotator: str) -> None:
    document = store.documents()[0]
    text = document.text
    quote_start, quote_end = text.index("“Either"), text.index(" he told")
    quote = store.add_span(annotator=annotator, doc_id=document.doc_id, layer="quote",
                           label="DIRECT", start=quote_start, end=quote_end,
                           attrs={"addressee": "India Today"})
    he = store.add_span(annotator=annotator, doc_id=document.doc_id, layer="source",
                        label="SOURCE", start=quote_end + 1, end=quote_end + 3)
    cue = store.add_span(annotator=annotator, doc_id=document.doc_id, layer="cue", label="CUE",
                         start=quote_end + 4, end=quote_end + 8)
    putin = text.index("Vladimir Putin")
    entity = store.add_span(annotator=annotator, doc_id=document.doc_id, layer="entity",
                            label="PERSON", start=putin, end=putin + 14)
    store.add_relation("said_by", quote.span_id, he.span_id, annotator=annotator)
    store.add_relation("cue", quote.span_id, cue.span_id, annotator=annotator)
    store.add_relation("refers_to", he.span_id, entity.span_id, annotator=annotator)
    claim_start = text.index("Moscow controls")
    store.add_span(annotator=annotator, doc_id=document.doc_id, layer="claim", label="QUANTITY",
                   start=claim_start, end=text.index("Donbas.", claim_start) + 7,
                   attrs={"hedged": True, "checkworthy": "yes"})
    store.set_status(document.doc_id, "done", annotator=annotator)
    store.add_time(document.doc_id, 42.0, annotator=annotator)
