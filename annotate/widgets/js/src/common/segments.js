// @ts-check
/**
 * Drawing the article with its spans. The text is cut at every span boundary; each piece nests
 * one element per span covering it, outermost layer style first. Only text nodes hold text
 * (edges, brackets and key numbers are drawn by CSS), so the text before any point in the
 * article is the document's and a selection maps back to offsets.
 */
import { h } from "./dom.js";

/** @typedef {import("./types.js").Drawn} Drawn */
/** @typedef {import("./types.js").Layer} Layer */
/** @typedef {import("./text.js").Offsets} Offsets */

// Outer to inner: a claim's bracket encloses a quote's underline, which encloses a source's
// frame, which encloses an entity's fill, so overlapping spans of every layer stay visible.
const STYLE_RANK = { bracket: 0, underline: 1, box: 2, highlight: 3 };

/**
 * Stretches of text drawn around the innermost text node (the annotator's difference view):
 * `marks` wrap text, `gaps` are empty markers at a point; both sorted by start.
 * @template {{start: number, end: number}} M
 * @typedef {{marks: M[], gaps: M[], drawMark: (mark: M, piece: Text) => Node,
 *   drawGap: (gap: M) => Node}} Overlay
 */

/**
 * @template {Drawn} S
 * @template {{start: number, end: number}} M
 * @param {{text: string, spans: S[], layers: Layer[], offsets: Offsets,
 *   drawSpan: (span: S, a: number, b: number) => HTMLElement, overlay?: Overlay<M> | null}} what
 *   `drawSpan` makes the element for the piece [a, b) of a span.
 * @returns {{fragment: DocumentFragment, pieces: Map<string, HTMLElement[]>}} the drawing, and
 *   the elements each span is drawn as: a span crossing others is drawn in several pieces,
 *   the first and last carrying its edges.
 */
export function drawSegments({ text, spans, layers, offsets, drawSpan, overlay = null }) {
  const fragment = document.createDocumentFragment();
  /** @type {Map<string, HTMLElement[]>} */
  const pieces = new Map();
  const nChars = offsets.toCp(text.length);
  const clamp = (/** @type {number} */ x) => Math.max(0, Math.min(nChars, x));
  const cuts = new Set([0, nChars]);
  const marks = overlay?.marks ?? [];
  const gaps = overlay?.gaps ?? [];
  for (const stretch of [...spans, ...marks, ...gaps]) {
    cuts.add(clamp(stretch.start));
    cuts.add(clamp(stretch.end));
  }
  for (const span of spans) {
    for (const [a, b] of span.fragments ?? []) {
      cuts.add(clamp(a));
      cuts.add(clamp(b));
    }
  }
  const points = [...cuts].sort((a, b) => a - b);
  const byStart = [...spans].sort((a, b) => a.start - b.start);
  /** @type {Record<string, number>} */
  const rankOf = {};
  for (const layer of layers) {
    rankOf[layer.name] = STYLE_RANK[/** @type {keyof STYLE_RANK} */ (layer.style)] ?? 3;
  }
  /** @param {S} x @param {S} y */
  const outerFirst = (x, y) =>
    (rankOf[x.layer] ?? 3) - (rankOf[y.layer] ?? 3) ||
    y.end - y.start - (x.end - x.start) ||
    x.start - y.start;
  /** @type {S[]} */
  let active = [];
  let next = 0;
  let m = 0;
  let g = 0;
  for (let p = 0; p + 1 < points.length; p += 1) {
    const a = points[p];
    const b = points[p + 1];
    active = active.filter((s) => s.end > a);
    for (; next < byStart.length && byStart[next].start <= a; next += 1) {
      if (byStart[next].end > a) active.push(byStart[next]);
    }
    const segment = h("span", { cls: "an-seg" });
    let parent = segment;
    /** @type {Record<string, number>} */
    const depth = {};
    for (const span of active.filter((s) => covers(s, a, b)).sort(outerFirst)) {
      const node = drawSpan(span, a, b);
      // Nested spans of one layer sit a little further out, so both edges stay visible.
      depth[span.layer] = (depth[span.layer] ?? -1) + 1;
      if (depth[span.layer]) node.style.setProperty("--d", String(depth[span.layer]));
      parent.append(node);
      parent = node;
      const list = pieces.get(span.id);
      if (list) list.push(node);
      else pieces.set(span.id, [node]);
    }
    const piece = document.createTextNode(text.slice(offsets.toU16(a), offsets.toU16(b)));
    if (overlay) {
      for (; g < gaps.length && gaps[g].start <= a; g += 1) {
        if (gaps[g].start === a) parent.append(overlay.drawGap(gaps[g]));
      }
      while (m < marks.length && marks[m].end <= a) m += 1;
      const mark = m < marks.length && marks[m].start <= a ? marks[m] : null;
      parent.append(mark ? overlay.drawMark(mark, piece) : piece);
    } else {
      parent.append(piece);
    }
    fragment.append(segment);
  }
  if (overlay) for (; g < gaps.length; g += 1) fragment.append(overlay.drawGap(gaps[g]));
  return { fragment, pieces };
}

/**
 * Whether a span marks all of [a, b): within its extent, and for a discontinuous span within
 * one of its pieces (the text between them is not drawn as part of it).
 * @param {Drawn} span @param {number} a @param {number} b
 */
function covers(span, a, b) {
  if (span.start > a || span.end < b) return false;
  return !span.fragments || span.fragments.some(([s, e]) => s <= a && e >= b);
}

/**
 * The element for the piece [a, b) of a span, with the hooks styles and tests rely on:
 * `an-span an-<style> <cls>`, `an-first`/`an-last` on its edges (each piece's, for a
 * discontinuous span), the span's id, layer, label
 * and status as data attributes, and its colour as `--c`.
 * @param {Drawn & {status: string}} span
 * @param {number} a
 * @param {number} b
 * @param {{style: string, cls: string, color: string, title: string, attrs?: Record<string, string>}} how
 */
export function spanNode(span, a, b, { style, cls, color, title, attrs = {} }) {
  // Each piece of a discontinuous span has edges of its own.
  const pieces = span.fragments ?? [[span.start, span.end]];
  const first = pieces.some(([s]) => s === a);
  const last = pieces.some(([, e]) => e === b);
  const edges = (first ? " an-first" : "") + (last ? " an-last" : "");
  const node = h("span", {
    cls: `an-span an-${style} ${cls}${edges}`,
    attrs: {
      "data-span-id": span.id,
      "data-layer": span.layer,
      "data-label": span.label,
      "data-status": span.status,
      ...attrs,
    },
    title,
  });
  node.style.setProperty("--c", color);
  return node;
}

/**
 * Classes that mark spans (selected, related, in focus) without a redraw: each time, the
 * classes put on before come off and the new ones go on.
 */
export class Marks {
  constructor() {
    /** @type {[HTMLElement, string][]} */
    this.applied = [];
  }

  clear() {
    for (const [node, cls] of this.applied) node.classList.remove(cls);
    this.applied = [];
  }

  /** @param {HTMLElement[] | undefined} nodes the pieces of one span @param {string} cls */
  add(nodes, cls) {
    for (const node of nodes ?? []) {
      node.classList.add(cls);
      this.applied.push([node, cls]);
    }
  }
}
