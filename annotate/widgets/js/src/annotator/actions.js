// @ts-check
/**
 * What the annotator's keys and buttons do with spans and documents. Each sends one message
 * and, once Python has answered (and the page redrawn), selects what comes next; a refusal is
 * shown by the channel and leaves the page as it was.
 */

/** @typedef {import("./view.js").AnnotatorView} AnnotatorView */
/** @typedef {import("./types.js").Span} Span */
/** @typedef {import("../common/types.js").Extent} Extent */

/** @param {AnnotatorView} view @param {string} name */
export function setLayer(view, name) {
  if (name === view.layerName) return;
  view.model.set("layer", name);
  view.model.save_changes();
  if (view.current && view.current.layer !== name) view.selected = null;
  view.dirty.chrome = true;
  view.flush();
}

/** @param {AnnotatorView} view @param {string | null} id */
export function select(view, id) {
  view.catchUp();
  const chosen = id && view.spanById.has(id) ? id : null;
  if (chosen !== view.selected) view.attrFocus = null;
  view.selected = chosen;
  const span = view.current;
  if (span && span.layer !== view.layerName) {
    // Label keys act on the selected span's layer.
    view.model.set("layer", span.layer);
    view.model.save_changes();
    view.dirty.chrome = true;
  }
  view.flush();
  if (view.selected) scrollToSpan(view, view.selected);
}

/**
 * Scroll the article (only the article) so the span is in view, with room for its links.
 * @param {AnnotatorView} view @param {string} id
 */
export function scrollToSpan(view, id) {
  const node = view.fragments.get(id)?.[0];
  if (!node) return;
  const rect = node.getBoundingClientRect();
  const box = view.scrollEl.getBoundingClientRect();
  const margin = Math.min(60, box.height / 4);
  if (rect.top < box.top + margin) view.scrollEl.scrollTop -= box.top + margin - rect.top;
  else if (rect.bottom > box.bottom - margin / 2) view.scrollEl.scrollTop += rect.bottom - box.bottom + margin;
}

/**
 * Next or previous span of the active layer (only suggestions when `onlySuggested`).
 * @param {AnnotatorView} view
 * @param {1 | -1} step
 * @param {boolean} [onlySuggested]
 */
export function cycle(view, step, onlySuggested = false) {
  const list = view.spans.filter(
    (s) => s.layer === view.layerName && (!onlySuggested || s.status === "suggested"),
  );
  if (!list.length) {
    view.say(`No ${onlySuggested ? "suggested " : ""}${view.layerName} spans here.`);
    return;
  }
  const here = list.findIndex((s) => s.id === view.selected);
  const next = here < 0 ? (step > 0 ? 0 : list.length - 1) : (here + step + list.length) % list.length;
  select(view, list[next].id);
}

/**
 * A label's key: mark the text selection, else relabel the selected span.
 * @param {AnnotatorView} view @param {string} label @param {Extent} range
 */
export async function markOrRelabel(view, label, range) {
  const span = view.current;
  if (range) {
    window.getSelection()?.removeAllRanges();
    view.say(null);
    const fields = { layer: view.layerName, label, start: range[0], end: range[1] };
    const reply = await view.request("add_span", fields);
    if (reply) select(view, reply.span_id);
  } else if (span && span.layer === view.layerName) {
    await relabel(view, span.id, label);
  } else {
    view.say("Select some text first (or a span: click it or press Tab), then press the label's key.");
  }
}

/** @param {AnnotatorView} view @param {string} id @param {string} label */
export async function relabel(view, id, label) {
  const reply = await view.request("relabel", { span_id: id, label });
  if (reply) select(view, reply.span_id);
}

/**
 * The suggestion to go to after deciding `span`: the next one of its layer.
 * @param {AnnotatorView} view @param {Span} span
 */
function followingSuggestion(view, span) {
  const list = view.spans.filter((s) => s.layer === span.layer && s.status === "suggested");
  const here = list.findIndex((s) => s.id === span.id);
  return list[here + 1]?.id ?? list[here - 1]?.id ?? null;
}

/** @param {AnnotatorView} view @param {string} id */
export async function accept(view, id) {
  const span = view.spanById.get(id);
  if (!span) return;
  const following = followingSuggestion(view, span);
  const reply = await view.request("accept", { span_id: id });
  if (reply) select(view, following && view.spanById.has(following) ? following : reply.span_id);
}

/**
 * Reject a suggestion, or delete one's own span (Python tells them apart).
 * @param {AnnotatorView} view @param {string} id
 */
export async function remove(view, id) {
  const span = view.spanById.get(id);
  if (!span) return;
  const following = span.status === "suggested" ? followingSuggestion(view, span) : null;
  const reply = await view.request("reject", { span_id: id });
  if (reply) select(view, following);
}

/** @param {AnnotatorView} view */
export async function acceptAll(view) {
  const layer = view.layerName;
  const reply = await view.request("accept_all", { layer });
  if (reply) view.say(`Accepted ${reply.span_ids.length} ${layer} suggestion(s).`);
}

/** @param {AnnotatorView} view @param {string} id @param {"start" | "end"} edge @param {1 | -1} step */
export async function nudge(view, id, edge, step) {
  const span = view.spanById.get(id);
  const moved = span ? view.tokens.move(span.start, span.end, edge, step) : null;
  if (!moved) return;
  const reply = await view.request("resize", { span_id: id, start: moved[0], end: moved[1] });
  if (reply) select(view, reply.span_id);
}

/** @param {AnnotatorView} view @param {string} id @param {Extent} range */
export async function resizeTo(view, id, range) {
  if (!range) {
    view.say("Select the new extent with the mouse first, then press b.");
    return;
  }
  window.getSelection()?.removeAllRanges();
  const reply = await view.request("resize", { span_id: id, start: range[0], end: range[1] });
  if (reply) select(view, reply.span_id);
}

/**
 * @param {AnnotatorView} view
 * @param {string} id
 * @param {Record<string, any>} attrs
 */
export function setAttrs(view, id, attrs) {
  return view.request("set_attrs", { span_id: id, attrs });
}

/**
 * @param {AnnotatorView} view @param {string | null} status @param {boolean} advance
 * @param {"accept" | "reject"} [undecided] what becomes of the suggestions still shown (done)
 */
export async function setStatus(view, status, advance, undecided) {
  view.leaving();
  const fields = undecided ? { status, advance, undecided } : { status, advance };
  const reply = await view.request("status", fields);
  if (reply && advance && status && reply.moved === false) {
    view.say("Every document has a status now: nothing left to open.");
  }
  return reply;
}

/**
 * Flag the document with a comment (from the flag form).
 * @param {AnnotatorView} view @param {string | null} comment
 */
export function flag(view, comment) {
  return view.request("status", { status: "flagged", comment });
}
