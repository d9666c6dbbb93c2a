// @ts-check
/**
 * The article in the reviewer: gold spans solid, each annotator's version of an open
 * disagreement dashed with the numbers that take it, the reviewer's edit in progress, and what
 * the mouse does on the text (select a unit or a span; set the edit's extent).
 */
import { clip } from "../common/dom.js";
import { spanNode } from "../common/segments.js";
import { select, setDraftExtent } from "./actions.js";

/** @typedef {import("./view.js").ReviewView} ReviewView */
/** @typedef {import("./types.js").Span} Span */

/** Drawn statuses onto the annotator's solid (decided) and dashed (undecided) styles. */
const STATUS_CLASS = {
  agreed: "an-accepted rv-agreed",
  gold: "an-accepted rv-gold",
  disputed: "an-suggested rv-disputed",
  draft: "an-accepted rv-draft",
};

/**
 * The spans to draw: what Python sent, and the reviewer's edit in progress.
 * @param {ReviewView} view
 * @returns {Span[]}
 */
function drawn(view) {
  const spans = [...view.spans];
  const d = view.draft;
  if (d) {
    spans.push({
      id: "draft", layer: d.layer, label: d.label, start: d.start, end: d.end,
      text: view.slice(d.start, d.end), status: "draft", annotators: [], unit: d.unit,
      decision: null, by: null, chosen: null, attrs: {}, keys: [],
    });
  }
  return spans;
}

/** @param {ReviewView} view */
export function renderText(view) {
  if (view.root.dataset.docId !== view.doc.doc_id) {
    view.unitId = null;
    view.draft = null;
  }
  const spans = drawn(view);
  view.spanById = new Map(spans.map((s) => [s.id, s]));
  if (view.spanId && !view.spanById.has(view.spanId)) view.spanId = null;
  view.drawArticle(spans, (span, a, b) => drawSpan(view, span, a, b));
}

/**
 * The element for the piece [a, b) of a span: who marked it and the keys that take it are
 * data attributes (the numbers are drawn by CSS, never as text, so offsets stay the document's).
 * @param {ReviewView} view @param {Span} span @param {number} a @param {number} b
 */
function drawSpan(view, span, a, b) {
  const said = {
    agreed: `agreed by ${span.annotators.join(", ")}`,
    gold: `gold: ${span.decision ?? "decided"}${span.chosen ? ` (${span.chosen})` : ""} by ${span.by ?? "?"}`,
    disputed: `${span.annotators.join(", ")}'s version (press ${span.keys.join(" or ")})`,
    draft: "your edit: Enter saves, Esc cancels",
  }[span.status];
  /** @type {Record<string, string>} */
  const attrs = { "data-annotator": span.annotators.join(" "), "data-keys": span.keys.join(",") };
  if (span.unit) attrs["data-unit-id"] = span.unit;
  return spanNode(span, a, b, {
    style: view.layer(span.layer)?.style ?? "highlight",
    cls: STATUS_CLASS[span.status],
    color: view.color(span.layer, span.label),
    title: `${span.layer} ${span.label} · ${said}`,
    attrs,
  });
}

/** The selected unit's spans and the focused version: classes only, no redraw. @param {ReviewView} view */
export function applyMarks(view) {
  view.marks.clear();
  /** @param {string} id @param {string} cls */
  const add = (id, cls) => view.marks.add(view.fragments.get(id), cls);
  const unit = view.unit;
  if (unit) {
    // Versions of one unit nest and overlap: outlining each would pile frames on frames,
    // so the unit is underlined and only the version in focus is framed.
    for (const span of view.spanById.values()) {
      if (span.unit !== unit.unit_id || span.status === "draft") continue;
      add(span.id, span.status === "disputed" ? "rv-in-unit" : "an-selected");
    }
    const version = unit.versions[view.focus];
    if (version && unit.state === "open" && !view.draft) add(version.span_id, "rv-focus");
  }
  if (view.spanId) {
    add(view.spanId, "an-selected");
    for (const r of view.relations) {
      if (r.head === view.spanId) add(r.tail, "an-related");
      if (r.tail === view.spanId) add(r.head, "an-related");
    }
  }
  view.root.classList.toggle("rv-editing", Boolean(view.draft));
}

/** @param {ReviewView} view @param {MouseEvent} event */
export function onArticleClick(view, event) {
  const selection = window.getSelection();
  if (selection && !selection.isCollapsed) return; // a drag that selected text, not a click
  const chain = view.spansAt(/** @type {Element} */ (event.target)).filter((id) => id !== "draft");
  view.run(() => clicked(view, chain));
}

/**
 * @param {ReviewView} view
 * @param {string[]} chain span ids under the pointer, innermost first
 */
function clicked(view, chain) {
  if (view.draft) return undefined; // the mouse sets the draft's extent by selecting text
  if (!chain.length) return select(view, null);
  // Each click on the same place goes one span further out, so every span there is reached.
  const unit = view.unit;
  const current = unit ? unit.versions[view.focus]?.span_id ?? unit.gold[0] : view.spanId;
  const here = current ? chain.indexOf(current) : -1;
  const id = chain[(here + 1) % chain.length];
  const span = view.spanById.get(id);
  if (!span) return undefined;
  const owner = span.unit ? view.units.find((u) => u.unit_id === span.unit) : undefined;
  if (!owner) {
    view.unitId = null;
    view.spanId = id;
    view.flush();
    return undefined;
  }
  const index = owner.versions.findIndex((v) => v.span_id === id);
  return select(view, owner.unit_id, index >= 0 ? index : 0);
}

/** @param {ReviewView} view */
export function onArticleMouseUp(view) {
  const range = view.selectionRange();
  if (!range) return;
  if (view.draft) {
    view.run(() => setDraftExtent(view, range));
  } else if (view.unit) {
    view.say(`“${clip(view.slice(range[0], range[1]), 60)}”: press e to write it as this unit's span.`);
  }
}
