"""Label Studio's JSON export: a list of tasks, each with ``data`` and ``annotations``.

Each annotation is one annotator's answer: ``result`` items of type ``labels`` (a region with
``value.start``/``value.end``/``value.labels``) and ``relation`` (``from_id``/``to_id``,
``labels``, ``direction``). Per-region ``choices``, ``textarea`` and ``rating`` results (same
``id`` as their region) become that span's attributes under their control's name. A region
control named like a scheme layer (``<Labels name="quote">``) puts its spans in that layer.

Label Studio counts offsets as the browser does (UTF-16); where a region's ``text`` shows that,
offsets are converted to characters. Cancelled annotations are skipped and reported;
predictions are read only with ``predictions=True``, as annotator ``model:<model_version>``
(the version itself where it is a machine annotator's name, as annotate's export writes it).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core.names import is_machine_name
from ..core.scheme import Scheme
from ..errors import FormatError
from .batch import ImportBatch
from .builder import BatchBuilder, Unknown
from .jsonio import parse_json, read_text
from .label_studio_writer import annotator_from_email

FORMAT = "label-studio"
_ATTRIBUTE_TYPES = {"choices": "choices", "textarea": "text", "rating": "rating"}
_TRUE = {"true": True, "yes": True, "false": False, "no": False}


def read_label_studio(
    path: str | Path,
    *,
    annotator: str | None = None,
    layer: str = "entity",
    label_map: Mapping[str, str] | None = None,
    scheme: Scheme | None = None,
    unknown: Unknown = "keep",
    text_field: str = "text",
    predictions: bool = False,
) -> ImportBatch:
    """Read a Label Studio JSON export (the 'JSON' option, not 'JSON-MIN').

    The annotator of an annotation is ``annotator``, else the ``completed_by`` user's email
    (an ``<name>@annotate.invalid`` address that annotate's export made is that name again),
    else ``user-<id>``; export with the user expanded (``annotations__completed_by``) to get
    e-mails rather than ids. ``data[text_field]`` is the text; ``data["doc_id"]``, where present,
    the document id; the other ``data`` fields and the task id go to the document's meta.
    """
    path = Path(path)
    # parse_json also refuses what no database can store and nesting that would overflow.
    tasks = parse_json(read_text(path), path=path)
    if not isinstance(tasks, list) or not all(isinstance(t, dict) and "data" in t for t in tasks):
        raise FormatError("E310", path=str(path), detail="the top level is not a list of tasks")
    builder = BatchBuilder(
        path,
        FORMAT,
        scheme=scheme,
        layer=layer,
        label_map=label_map,
        unknown=unknown,
        unit="task",
    )
    for number, task in enumerate(tasks, start=1):
        if task.get("id") is not None:
            builder.record_names[number] = str(task["id"])[:40]
        data = task["data"]
        text = data.get(text_field) if isinstance(data, dict) else None
        if not isinstance(text, str):
            raise builder.malformed(
                number, f"data has no {text_field!r} string (pass text_field=...)"
            )
        given = {name: task.get(name) or [] for name in ("annotations", "predictions")}
        for name, value in given.items():
            if not isinstance(value, list):
                raise builder.malformed(number, f"{name!r} is not a list of annotations")
        answers = [(a, False) for a in given["annotations"]]
        if predictions:
            answers += [(p, True) for p in given["predictions"]]
        doc: str | None = None
        for answer, predicted in answers:
            if not isinstance(answer, dict) or not isinstance(answer.get("result", []), list):
                raise builder.malformed(
                    number, "an annotation is not an object with a 'result' list"
                )
            if answer.get("was_cancelled"):
                builder.problem("skipped-answer", "cancelled annotation; skipped", line=number)
                continue
            if doc is None:
                doc = _document(builder, task, data, text_field, number)
                if doc is None:
                    break
            name = annotator or (
                _model(answer.get("model_version"))
                if predicted
                else _user(answer.get("completed_by"))
            )
            if builder.claim_unit(doc, name, line=number):
                _read_result(builder, doc, name, answer.get("result") or [], number)
    return builder.build(len(tasks))


def _document(
    builder: BatchBuilder,
    task: Mapping[str, Any],
    data: Mapping[str, Any],
    text_field: str,
    number: int,
) -> str | None:
    doc_id = data.get("doc_id")
    meta = {k: v for k, v in data.items() if k not in (text_field, "doc_id")}
    if "id" in task:
        meta["label_studio_task"] = task["id"]
    return builder.document(
        data[text_field],
        doc_id=str(doc_id) if doc_id is not None else None,
        meta=meta,
        line=number,
    )


def _user(completed_by: Any) -> str:
    if isinstance(completed_by, dict):
        email = completed_by.get("email")
        if isinstance(email, str) and email:
            return annotator_from_email(email)
        completed_by = completed_by.get("id")
    return f"user-{completed_by}" if completed_by is not None else "user-unknown"


def _model(version: Any) -> str:
    # A version that is a machine annotator's name already (what annotate's export writes)
    # stays that name; any other is marked as a model's.
    if isinstance(version, str) and is_machine_name(version):
        return version
    return f"model:{version or 'prediction'}"


def _read_result(
    builder: BatchBuilder, doc: str, annotator: str, result: list[Any], number: int
) -> None:
    regions: dict[str, dict[str, Any]] = {}
    attributes: dict[str, dict[str, Any]] = {}
    relations = []
    for item in result:
        if not isinstance(item, dict):
            raise builder.malformed(number, "a result item is not a JSON object")
        kind = item.get("type")
        value = _dict(item.get("value"))
        if kind == "labels":
            regions[str(item.get("id"))] = item
        elif kind == "relation":
            relations.append(item)
        elif kind in _ATTRIBUTE_TYPES and item.get("id") is not None:
            attributes.setdefault(str(item["id"]), {})[str(item.get("from_name"))] = _value(
                builder, str(item.get("from_name")), value.get(_ATTRIBUTE_TYPES[kind])
            )
        else:
            builder.problem(
                "unsupported",
                f"result of type {kind!r} (control {item.get('from_name')!r}) is not imported",
                line=number,
            )
    keys: dict[str, str | None] = {}
    for region_id, item in regions.items():
        value = _dict(item.get("value"))
        labels = value.get("labels") or [None]
        if not isinstance(labels, list):
            builder.problem(
                "malformed-record",
                f"region {region_id!r} has labels {labels!r}, not a list",
                line=number,
            )
            keys[region_id] = None
            continue
        control = str(item.get("from_name"))
        layer = control if control in builder.scheme.layer_names else None
        for n, label in enumerate(labels):
            key = builder.span(
                doc,
                annotator=annotator,
                label=label,
                start=value.get("start"),
                end=value.get("end"),
                text=value.get("text"),
                layer=layer,
                attrs=attributes.pop(region_id, {}) if n == 0 else {},
                key=region_id if n == 0 else None,
                line=number,
            )
            keys.setdefault(region_id, key)
    for region_id, answers in attributes.items():
        builder.problem(
            "unsupported",
            f"{', '.join(map(repr, answers))} ({region_id!r}) is not attached to a labelled "
            "span, and document-level answers have no place in the scheme; skipped",
            line=number,
        )
    for item in relations:
        labels = item.get("labels") or []
        if not isinstance(labels, list):
            builder.problem(
                "malformed-record",
                f"relation has labels {labels!r}, not a list",
                line=number,
            )
            continue
        head, tail = keys.get(str(item.get("from_id"))), keys.get(str(item.get("to_id")))
        if item.get("direction") == "left":
            head, tail = tail, head
        elif item.get("direction") == "bi":
            builder.problem("unsupported", "a two-way relation is read as from -> to", line=number)
        for label in labels or [None]:
            builder.relation(
                doc, annotator=annotator, type=label, head=head, tail=tail, line=number
            )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _value(builder: BatchBuilder, name: str, value: Any) -> Any:
    """A per-region answer as the scheme expects it: one choice as text, booleans as bool."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    kinds = {a.name: a.type for a in builder.scheme.attributes}
    if kinds.get(name) == "bool" and isinstance(value, str) and value.lower() in _TRUE:
        return _TRUE[value.lower()]
    return value
