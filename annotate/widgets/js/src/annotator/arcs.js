// @ts-check
/**
 * Relations drawn in the text, as brat and INCEpTION draw them: an arc from the head span to
 * the tail span over the lines, with an arrow at the tail and the relation's name on top.
 * The selected span's links are drawn (and, while linking, the candidate in focus); `r` draws
 * every link of the document. The arcs are one SVG layer over the text, in the same scrolling
 * box, so scrolling moves them with the words; they take no clicks and hold no article text
 * (only the scheme's relation names, through textContent).
 */
import { shownAs } from "./layers.js";

/** @typedef {import("./view.js").AnnotatorView} AnnotatorView */
/** @typedef {{x: number, top: number, bottom: number, left: number, right: number}} Box */

const SVG = "http://www.w3.org/2000/svg";

/**
 * @param {string} tag
 * @param {Record<string, string | number>} attrs
 * @returns {SVGElement}
 */
function svg(tag, attrs) {
  const node = /** @type {SVGElement} */ (document.createElementNS(SVG, tag));
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

/**
 * The boxes a span is drawn in, relative to the scrolling box's content.
 * @param {AnnotatorView} view @param {string} id
 * @returns {Box[]}
 */
function boxes(view, id) {
  const outer = view.scrollEl.getBoundingClientRect();
  const dx = view.scrollEl.scrollLeft - outer.left;
  const dy = view.scrollEl.scrollTop - outer.top;
  /** @type {Box[]} */
  const found = [];
  for (const node of view.fragments.get(id) ?? []) {
    for (const rect of node.getClientRects()) {
      if (!rect.width && !rect.height) continue;
      found.push({
        x: rect.left + rect.width / 2 + dx,
        left: rect.left + dx,
        right: rect.right + dx,
        top: rect.top + dy,
        bottom: rect.bottom + dy,
      });
    }
  }
  return found;
}

/**
 * The two boxes of two spans closest to each other: an arc between long spans joins their
 * nearest lines.
 * @param {Box[]} a @param {Box[]} b
 * @returns {[Box, Box] | null}
 */
function nearest(a, b) {
  /** @type {[Box, Box] | null} */
  let best = null;
  let score = Infinity;
  for (const p of a) {
    for (const q of b) {
      const s = Math.abs(p.top - q.top) * 4 + Math.abs(p.x - q.x);
      if (s < score) {
        score = s;
        best = [p, q];
      }
    }
  }
  return best;
}

/**
 * Which links to draw now: [relation id, head, tail, type, status].
 * @param {AnnotatorView} view
 * @returns {[string, string, string, string, string][]}
 */
function wanted(view) {
  /** @type {[string, string, string, string, string][]} */
  const out = [];
  const shown = (/** @type {string} */ id) => {
    const span = view.spanById.get(id);
    return Boolean(span) && (view.allArcs ? shownAs(view, span?.layer ?? "") !== "hidden" : true);
  };
  for (const r of view.relations) {
    const touches = r.head === view.selected || r.tail === view.selected;
    if ((view.allArcs || touches) && shown(r.head) && shown(r.tail)) {
      out.push([r.id, r.head, r.tail, r.type, r.status]);
    }
  }
  if (view.link?.focus) out.push(["preview", view.link.anchor, view.link.focus, "link?", "preview"]);
  return out;
}

/**
 * Draw the arcs (or none), replacing the ones drawn before.
 * @param {AnnotatorView} view
 */
export function drawArcs(view) {
  const layer = view.arcsEl;
  const links = view.textEl.isConnected ? wanted(view) : [];
  layer.replaceChildren();
  view.root.dataset.arcs = String(links.length);
  if (!links.length) {
    layer.setAttribute("width", "0");
    layer.setAttribute("height", "0");
    return;
  }
  layer.setAttribute("width", String(view.scrollEl.scrollWidth));
  layer.setAttribute("height", String(view.scrollEl.scrollHeight));
  /** @type {Map<string, number>} */
  const lanes = new Map(); // arcs over one line climb one above the other
  /** @type {{left: number, right: number, top: number, bottom: number}[]} */
  const labels = []; // where names are written: a name never covers another
  for (const [id, head, tail, type, status] of links) {
    const pair = nearest(boxes(view, head), boxes(view, tail));
    if (!pair) continue;
    const [from, to] = pair;
    const line = String(Math.round(Math.min(from.top, to.top) / 8));
    const x1 = from.x;
    const y1 = from.top + 1;
    const x2 = to.x;
    const y2 = to.top + 1;
    const half = type.length * 3.3 + 2; // about half the name's width at the label's size
    let lane = lanes.get(line) ?? 0;
    let peak = 0;
    let labelY = 0;
    let box = { left: 0, right: 0, top: 0, bottom: 0 };
    // Two links from one span to neighbouring words (a quote's speaker and cue) would write
    // their names on one spot: the later arc climbs a lane until its name is clear.
    for (let tries = 0; tries < 6; tries += 1, lane += 1) {
      const rise = Math.min(22, 8 + Math.abs(x2 - x1) / 12) + lane * 7;
      peak = Math.max(2, Math.min(y1, y2) - rise);
      // The curve's top, where both control points sit at the peak: 3/4 peak, 1/8 each end.
      labelY = 0.75 * peak + 0.125 * (y1 + y2) + 3;
      const mid = (x1 + x2) / 2;
      box = { left: mid - half, right: mid + half, top: labelY - 10, bottom: labelY + 3 };
      const b = box;
      const clash = labels.some(
        (o) => o.left < b.right && b.left < o.right && o.top < b.bottom && b.top < o.bottom,
      );
      if (!clash) break;
    }
    lanes.set(line, lane + 1);
    labels.push(box);
    const group = svg("g", {
      class: `an-arc an-arc-${status}`,
      "data-relation-id": id,
      "data-status": status,
      "data-type": type,
    });
    group.append(
      svg("path", { class: "an-arc-line", d: `M ${x1} ${y1} C ${x1} ${peak}, ${x2} ${peak}, ${x2} ${y2}` }),
      svg("path", { class: "an-arc-head", d: `M ${x2 - 4} ${y2 - 7} L ${x2 + 4} ${y2 - 7} L ${x2} ${y2} Z` }),
      svg("circle", { class: "an-arc-foot", cx: x1, cy: y1, r: 2.5 }),
    );
    const label = /** @type {SVGTextElement} */ (
      svg("text", {
        class: "an-arc-label",
        x: (x1 + x2) / 2,
        y: labelY,
        "text-anchor": "middle",
      })
    );
    label.textContent = type;
    group.append(label);
    layer.append(group);
  }
}
