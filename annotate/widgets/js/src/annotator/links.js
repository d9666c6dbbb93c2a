// @ts-check
/**
 * Linking spans (quote → source / cue, source → entity, claim → source): `t` or a panel's
 * "link…" starts from the selected span, Tab or a click picks among the candidates the scheme
 * allows, Enter links; Shift+click links the selected span to the clicked one at once.
 */
import { clip } from "../common/dom.js";
import { scrollToSpan, select } from "./actions.js";

/** @typedef {import("./view.js").AnnotatorView} AnnotatorView */
/** @typedef {import("./types.js").Span} Span */

/** @param {AnnotatorView} view @param {string} anchor @param {string | null} type */
export function startLink(view, anchor, type) {
  const span = view.spanById.get(anchor);
  if (!span) return;
  if (span.status === "suggested") {
    view.say("Accept the suggestion first (Enter), then link it.");
    return;
  }
  view.link = { anchor, type, focus: null };
  const candidates = linkCandidates(view);
  if (!candidates.length) {
    view.link = null;
    view.say(`Nothing to link this ${span.layer} to yet: mark or accept the other span first.`);
    return;
  }
  view.link.focus = candidates[0].id;
  view.say(`Linking “${clip(span.text, 40)}”: Tab to a highlighted span (or click one), Enter links it. Esc cancels.`);
  view.flush();
}

/**
 * The annotator's spans the link's anchor can be linked to, nearest first.
 * @param {AnnotatorView} view
 * @returns {Span[]}
 */
export function linkCandidates(view) {
  const link = view.link;
  const anchor = link ? view.spanById.get(link.anchor) : undefined;
  if (!link || !anchor) return [];
  const layers = new Set();
  for (const r of view.scheme.relations) {
    if (link.type && r.name !== link.type) continue;
    if (r.head === anchor.layer) layers.add(r.tail);
    if (r.tail === anchor.layer) layers.add(r.head);
  }
  // Spans already linked to the anchor come last: `t` Enter, `t` Enter links a quote to its
  // speaker and then to its cue.
  const linked = new Set();
  for (const r of view.relations) {
    if (r.status !== "accepted") continue;
    if (r.head === anchor.id) linked.add(r.tail);
    if (r.tail === anchor.id) linked.add(r.head);
  }
  const distance = (/** @type {Span} */ s) =>
    (linked.has(s.id) ? 1e9 : 0) + Math.abs(s.start - anchor.start);
  return view.spans
    .filter((s) => s.status === "accepted" && s.id !== anchor.id && layers.has(s.layer))
    .sort((a, b) => distance(a) - distance(b));
}

/** @param {AnnotatorView} view @param {1 | -1} step */
export function cycleCandidate(view, step) {
  const link = view.link;
  const list = linkCandidates(view);
  if (!link || !list.length) return;
  const here = list.findIndex((s) => s.id === link.focus);
  link.focus = list[(here + step + list.length) % list.length].id;
  view.flush();
  scrollToSpan(view, link.focus);
}

/** @param {AnnotatorView} view @param {string} other */
export async function finishLink(view, other) {
  const link = view.link;
  if (!link) return;
  view.link = null;
  view.say(null);
  await linkPair(view, link.anchor, other, link.type);
}

/** @param {AnnotatorView} view @param {string} first @param {string} second @param {string | null} type */
export async function linkPair(view, first, second, type) {
  const reply = await view.request("link", { first, second, type });
  if (reply) view.say(`Linked: ${reply.type}.`);
  select(view, first);
}

/** @param {AnnotatorView} view @param {string} relationId */
export function unlink(view, relationId) {
  return view.request("unlink", { relation_id: relationId });
}
