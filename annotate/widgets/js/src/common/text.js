// @ts-check
/**
 * Offsets between Python's code points and the browser's UTF-16 units, and the word
 * boundaries Python sends, for snapping selections and moving span edges.
 */

/** @typedef {import("./types.js").Extent} Extent */

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
export class Offsets {
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
export class Tokens {
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
