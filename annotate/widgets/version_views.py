"""The open document's other versions in the annotator widget: listing them, what differs, and
carrying the annotator's work from one (a mixin of :class:`~.session.Session`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.records import Document
from ..store import Store
from ..workflow.carry import carry_version
from .page import clip, short_title
from .shown import WidgetError

if TYPE_CHECKING:
    from ..versions import VersionGroup

MAX_VERSIONS = 12  # listed in the versions strip


class VersionViews:
    """Versions of the open article (see the module's docstring)."""

    if TYPE_CHECKING:  # provided by Session
        store: Store
        annotator: str | None
        document: Document
        sha256: str
        _groups: dict[str, VersionGroup] | None
        _diffs: dict[tuple[str, str, str, str], list[dict[str, Any]]]
        _models: set[str]

        @property
        def doc_id(self) -> str: ...

        def _who(self) -> str: ...

    def versions_view(self) -> dict[str, Any]:
        """The open document's other versions, once they were looked for (``ready``).

        ``default`` is the version the annotator's work is carried from and compared with when
        they pick none: the one with most of their spans, then the most similar.
        """
        if self._groups is None:
            return {"doc_id": self.doc_id, "ready": False, "items": [], "default": None}
        group = self._groups.get(self.doc_id)
        members = [d for d in group.doc_ids if d != self.doc_id] if group else []
        records = (
            self.store.status_rows(members, annotator=self.annotator) if self.annotator else {}
        )
        statuses = {d: r.status for d, r in records.items()}
        titles = self.store.queue_titles(members)
        others = sorted(
            (
                (group.similarity(self.doc_id, d) or 0.0, d)
                for d in group.doc_ids
                if d != self.doc_id
            )
            if group
            else (),
            key=lambda pair: (-pair[0], pair[1]),
        )[:MAX_VERSIONS]  # a group that large is boilerplate, not versions: the closest will do
        rows: list[tuple[int, float, str]] = []
        for similarity, other in others:
            mine = (
                self.store.spans(doc_id=other, annotator=self.annotator) if self.annotator else []
            )
            rows.append((len(mine), similarity, other))
        rows.sort(key=lambda row: (-row[0], -row[1], row[2]))
        items = [
            {
                "doc_id": other,
                "title": short_title(titles.get(other, other)),
                "similarity": round(similarity, 3),
                "percent": round(similarity * 100),
                "spans": spans,
                "status": statuses.get(other),
            }
            for spans, similarity, other in rows
        ]
        return {
            "doc_id": self.doc_id,
            "ready": True,
            "items": items,
            "default": items[0]["doc_id"] if items else None,
        }

    def load_versions(self) -> dict[str, Any]:
        """Find the project's versions (once per session) and list the open document's."""
        groups = self._version_groups()
        group = groups.get(self.doc_id)
        return {"doc_id": self.doc_id, "count": len(group.doc_ids) - 1 if group else 0}

    def diff(self, other: str | None) -> dict[str, Any]:
        """What differs between a version (``other``) and the open document: segments with
        offsets in both; ``insert`` and ``replace`` ranges of this document are not there."""
        from ..versions import diff_segments

        source = self.store.document(self._version(other))
        key = (source.doc_id, source.text_sha256, self.doc_id, self.sha256)
        if key not in self._diffs:
            self._diffs = {key: diff_segments(source.text, self.document.text)}
        return {"other": source.doc_id, "doc_id": self.doc_id, "segments": self._diffs[key]}

    def project_version(self, source: str | None) -> dict[str, Any]:
        """Carry the annotator's spans (and links) on a version here, as suggestions of
        ``projected:<annotator>``; one store write, so one transaction."""
        who = self._who()
        other = self._version(source)
        if not self.store.spans(doc_id=other, annotator=who):
            raise WidgetError("E624", other=other, doc_id=self.doc_id)
        result = carry_version(self.store, other, self.doc_id, annotator=who)
        self._models.add(str(result["suggester"]))
        left_out = [
            {
                "layer": d.get("layer"),
                "label": d.get("label"),
                "text": clip(str(d.get("text", "")), 80),
                "reason": d.get("reason"),
            }
            for d in result["left_out"]
        ]
        return {
            "source": other,
            "suggester": result["suggester"],
            "already_projected": result["already_projected"],
            "carried": result["carried"],
            "left_out_count": len(left_out),
            "left_out": left_out,
        }

    def _version_groups(self) -> dict[str, VersionGroup]:
        if self._groups is None:
            from ..versions import find_versions

            store = self.store
            texts = ((d.doc_id, d.text) for d in store.iter_documents(store.doc_ids()))
            self._groups = {
                doc_id: group for group in find_versions(texts) for doc_id in group.doc_ids
            }
        return self._groups

    def _version(self, other: str | None) -> str:
        """``other`` if it is a version of the open document, else the default one."""
        group = self._version_groups().get(self.doc_id)
        if group is None:
            raise WidgetError("E622", doc_id=self.doc_id)
        if other is None:
            default = self.versions_view()["default"]
            if not isinstance(default, str):
                raise WidgetError("E622", doc_id=self.doc_id)
            return default
        if other == self.doc_id or other not in group.doc_ids:
            known = ", ".join(repr(d) for d in group.doc_ids if d != self.doc_id)
            raise WidgetError("E623", other=other, doc_id=self.doc_id, known=known)
        return other
