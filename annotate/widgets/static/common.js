// Pieces both widgets use: DOM building from text (never markup), offsets between Python's
// code points and the browser's UTF-16 units, and word boundaries. The Python side puts this
// file in front of annotator.js and review.js (anywidget loads one module, and there is no
// build step to bundle them).

// Outer to inner: a claim's bracket encloses a quote's underline, which encloses a source's
// frame, which encloses an entity's fill, so overlapping spans of every layer stay visible.
const STYLE_RANK = { bracket: 0, underline: 1, box: 2, highlight: 3 };

const REPLY_TIMEOUT_MS = 10_000;

const COLOR = /^#[0-9a-fA-F]{3,8}$/;

const GREY = "#9e9e9e";

/**
 * Create an element. Text goes in through textContent only.
 * @param {string} tag
 * @param {{cls?: string, text?: string, attrs?: Record<string, string>, title?: string}} [props]
 * @param {(Node | string | null)[]} [children]
 * @returns {HTMLElement}
 */
function h(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  if (props.cls) node.className = props.cls;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title) node.title = props.title;
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value);
  for (const child of children) {
    if (child !== null) node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

/**
 * @param {string} label
 * @param {string} title
 * @param {() => void} onClick
 * @param {string} [cls]
 * @returns {HTMLButtonElement}
 */
function button(label, title, onClick, cls = "") {
  const node = /** @type {HTMLButtonElement} */ (
    h("button", { cls: `an-button ${cls}`.trim(), text: label, title, attrs: { type: "button" } })
  );
  node.addEventListener("click", onClick);
  return node;
}

/** @param {string} text @param {number} limit */
function clip(text, limit) {
  const flat = text.replace(/\s+/g, " ");
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1)}…`;
}

/** @param {string} color */
function safeColor(color) {
  return COLOR.test(color) ? color : GREY;
}

/** First index whose value is > x. @param {number[]} values @param {number} x */
function upperBound(values, x) {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is >= x. @param {number[]} values @param {number} x */
function lowerBound(values, x) {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Offsets in the store count code points (Python), the DOM counts UTF-16 units: they differ
 * after any character outside the BMP (emoji, some CJK), so every offset crosses this map.
 */
class Offsets {
  /** @param {string} text */
  constructor(text) {
    this.identity = !/[\uD800-\uDFFF]/.test(text);
    /** @type {number[]} */
    this.cpToU16 = [];
    /** @type {number[]} */
    this.u16ToCp = [];
    if (this.identity) return;
    let cp = 0;
    for (let i = 0; i < text.length; cp += 1) {
      const code = text.charCodeAt(i);
      const width = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? 2 : 1;
      this.cpToU16.push(i);
      this.u16ToCp[i] = cp;
      if (width === 2) this.u16ToCp[i + 1] = cp + 1; // inside a pair: round up, past it
      i += width;
    }
    this.cpToU16.push(text.length);
    this.u16ToCp[text.length] = cp;
  }
  /** @param {number} cp */
  toU16(cp) {
    return this.identity ? cp : this.cpToU16[cp];
  }
  /** @param {number} u16 */
  toCp(u16) {
    return this.identity ? u16 : this.u16ToCp[u16];
  }
}

/** Word boundaries from Python (code points), for snapping and for moving span edges. */
class Tokens {
  /** @param {number[]} flat [start0, end0, start1, end1, ...] */
  constructor(flat) {
    /** @type {number[]} */
    this.starts = [];
    /** @type {number[]} */
    this.ends = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      this.starts.push(flat[i]);
      this.ends.push(flat[i + 1]);
    }
  }
  /**
   * Widen [start, end) to whole words, as Python does; null when it holds no word.
   * @param {number} start @param {number} end
   * @returns {Extent}
   */
  snap(start, end) {
    if (end <= start) return null;
    const first = upperBound(this.ends, start);
    const last = lowerBound(this.starts, end) - 1;
    if (first > last || first >= this.starts.length || last < 0) return null;
    return [this.starts[first], this.ends[last]];
  }
  /**
   * Move one edge of [start, end) by one word; null when that would leave the text or empty it.
   * @param {number} start @param {number} end @param {"start" | "end"} edge @param {1 | -1} step
   * @returns {Extent}
   */
  move(start, end, edge, step) {
    if (edge === "end") {
      const i = lowerBound(this.ends, end) + step;
      if (i < 0 || i >= this.ends.length || this.ends[i] <= start) return null;
      return [start, this.ends[i]];
    }
    const i = lowerBound(this.starts, start) + step;
    if (i < 0 || i >= this.starts.length || this.starts[i] >= end) return null;
    return [this.starts[i], end];
  }
}

/**
 * What the annotator's and the reviewer's views do alike: run commands in turn, redraw only
 * what changed, map a selection in the article to code-point offsets, and talk to the user.
 * Subclasses set root, scheme, doc, textEl, tokens, offsets, chain, dirty, cleanups, pending,
 * errorBox and noticeBox, and define flush() and showError().
 */
class ArticleView {
  /** @param {string} name @returns {Layer | undefined} */
  layer(name) {
    return this.scheme.layers.find((l) => l.name === name);
  }

  /** @param {string} layerName @param {string} labelName */
  color(layerName, labelName) {
    const label = this.layer(layerName)?.labels.find((l) => l.name === labelName);
    return safeColor(label?.color ?? GREY);
  }

  /**
   * Run a command after the one before it has its reply (and the page its redraw), so quick
   * typing never acts on a page that has not caught up with the store.
   * @param {() => unknown} command
   */
  run(command) {
    this.chain = this.chain
      .then(() => {
        this.catchUp();
        return command();
      })
      .then(() => undefined)
      .catch((error) => this.showError(`The widget failed: ${error}. Re-run the cell.`));
  }

  destroy() {
    for (const cleanup of this.cleanups.splice(0).reverse()) cleanup();
    for (const waiting of this.pending.values()) window.clearTimeout(waiting.timer);
    this.root.remove();
  }

  /** @param {"text" | "chrome"} part */
  markDirty(part) {
    this.dirty[part] = true;
    if (this.scheduled) return;
    this.scheduled = true;
    // One redraw for all the traits one Python update changed (they arrive together).
    queueMicrotask(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Draw what Python sent but the page has not drawn yet, before acting on it. */
  catchUp() {
    if (this.dirty.text || this.dirty.chrome) this.flush();
  }

  /**
   * The text selection inside the article as code-point offsets, snapped to words.
   * @returns {Extent}
   */
  selectionRange() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed || !this.doc) return null;
    const range = selection.getRangeAt(0);
    const start = this.pointOffset(range.startContainer, range.startOffset);
    const end = this.pointOffset(range.endContainer, range.endOffset);
    if (start === null || end === null) return null;
    return this.tokens.snap(Math.min(start, end), Math.max(start, end));
  }

  /**
   * Code-point offset of a DOM point; points outside the article clamp to its ends.
   * @param {Node} node
   * @param {number} offset
   * @returns {number | null}
   */
  pointOffset(node, offset) {
    if (!this.textEl.contains(node)) {
      const where = this.textEl.compareDocumentPosition(node);
      if (where & Node.DOCUMENT_POSITION_PRECEDING) return 0;
      if (where & Node.DOCUMENT_POSITION_FOLLOWING) return this.offsets.toCp(this.doc.text.length);
      return null;
    }
    // The article's text nodes concatenate to exactly the document text (edges and brackets
    // are drawn by CSS, not text), so the text before the point gives its offset.
    const before = document.createRange();
    before.setStart(this.textEl, 0);
    before.setEnd(node, offset);
    return this.offsets.toCp(before.toString().length);
  }

  clearError() {
    this.error = null;
    this.errorBox.hidden = true;
    this.errorBox.replaceChildren();
    this.renderSaveState();
  }

  /** @param {string | null} text */
  say(text) {
    this.noticeBox.textContent = text ?? "";
  }
}
