// @ts-check
/**
 * The article in the annotator: spans drawn solid (the annotator's) or dashed (suggestions), the
 * selected span, its links and link candidates marked, and what the mouse does on the text.
 */
import { clip } from "../common/dom.js";
import { spanNode } from "../common/segments.js";
import { select } from "./actions.js";
import { applyLayerView, clickable } from "./layers.js";
import { finishLink, linkCandidates, linkPair } from "./links.js";
import { diffOverlay } from "./versions.js";

/** @typedef {import("./view.js").AnnotatorView} AnnotatorView */
/** @typedef {import("./types.js").Span} Span */

/** @param {AnnotatorView} view */
export function renderText(view) {
  const doc = view.doc;
  const spans = view.spans;
  view.spanById = new Map(spans.map((s) => [s.id, s]));
  if (view.selected && !view.spanById.has(view.selected)) view.selected = null;
  if (view.link && !view.spanById.has(view.link.anchor)) view.link = null;
  if (view.root.dataset.docId !== doc.doc_id) {
    // Another article: its versions are others, and so is what differs.
    view.diff = null;
    view.versionPick = null;
    view.carryReport = null;
  }
  const diff = view.diff?.doc_id === doc.doc_id ? view.diff : null;
  view.drawArticle(spans, (span, a, b) => drawSpan(view, span, a, b), diff && diffOverlay(diff));
  applyLayerView(view);
}

/**
 * The element for the piece [a, b) of a span; its origin (suggested, edited, manual,
 * projected) is a data attribute too.
 * @param {AnnotatorView} view @param {Span} span @param {number} a @param {number} b
 */
function drawSpan(view, span, a, b) {
  return spanNode(span, a, b, {
    style: view.layer(span.layer)?.style ?? "highlight",
    cls: `an-${span.status}`,
    color: view.color(span.layer, span.label),
    title:
      `${span.layer} ${span.label} · ${span.status === "suggested" ? "suggestion" : "yours"}` +
      (span.reason ? ` · ${span.reason}` : ""),
    attrs: { "data-origin": span.origin },
  });
}

/** Selected span, linked spans and link candidates: classes only, no redraw. @param {AnnotatorView} view */
export function applyMarks(view) {
  view.marks.clear();
  /** @param {string} id @param {string} cls */
  const add = (id, cls) => view.marks.add(view.fragments.get(id), cls);
  if (view.selected) {
    add(view.selected, "an-selected");
    for (const relation of view.relations) {
      if (relation.head === view.selected) add(relation.tail, "an-related");
      if (relation.tail === view.selected) add(relation.head, "an-related");
    }
  }
  if (view.link) {
    for (const candidate of linkCandidates(view)) add(candidate.id, "an-candidate");
    if (view.link.focus) add(view.link.focus, "an-focus");
  }
  view.root.classList.toggle("an-linking", Boolean(view.link));
}

/** @param {AnnotatorView} view @param {MouseEvent} event */
export function onArticleClick(view, event) {
  const selection = window.getSelection();
  if (selection && !selection.isCollapsed) return; // a drag that selected text, not a click
  // A hidden layer's spans take no clicks: the click goes to what is drawn.
  const chain = view
    .spansAt(/** @type {Element} */ (event.target))
    .filter((id) => clickable(view, view.spanById.get(id)?.layer ?? ""));
  const shift = event.shiftKey;
  view.run(() => clicked(view, chain, shift));
}

/**
 * @param {AnnotatorView} view
 * @param {string[]} chain span ids under the pointer, innermost first
 * @param {boolean} shift
 */
function clicked(view, chain, shift) {
  if (view.link) {
    const allowed = new Set(linkCandidates(view).map((s) => s.id));
    const pick = chain.find((id) => allowed.has(id));
    return pick ? finishLink(view, pick) : undefined;
  }
  if (!chain.length) return select(view, null);
  if (shift && view.selected && !chain.includes(view.selected)) {
    const pick = chain.find((id) => view.spanById.get(id)?.status === "accepted") ?? chain[0];
    return linkPair(view, view.selected, pick, null);
  }
  // Where spans overlap, the first click takes the active layer's span; each click on the
  // same place then goes one span further out, so every span there can be reached.
  const here = view.selected ? chain.indexOf(view.selected) : -1;
  const pick =
    here >= 0
      ? chain[(here + 1) % chain.length]
      : chain.find((id) => view.spanById.get(id)?.layer === view.layerName) ?? chain[0];
  return select(view, pick);
}

/** @param {AnnotatorView} view */
export function onArticleMouseUp(view) {
  const range = view.selectionRange();
  if (!range) return;
  const text = view.slice(range[0], range[1]);
  const also = view.selected ? ", or b to move the selected span there" : "";
  view.say(`“${clip(text, 60)}”: press a label's key to mark it as ${view.layerName}${also}.`);
}
