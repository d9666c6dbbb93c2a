// @ts-check
/**
 * The shapes both widgets share: the scheme Python sends (`Scheme.to_dict()`), the part of
 * anywidget's model the views use, and the message format. Types only: nothing here runs.
 */

/** @typedef {{name: string, key: string, color: string, description: string}} Label */
/**
 * @typedef {{name: string, key: string, style: string, nesting: boolean, labels: Label[],
 *   description: string}} Layer
 */
/** @typedef {{name: string, head: string, tail: string, description: string}} RelationType */
/** @typedef {{layer: string, name: string, type: string, values: string[], default: any}} Attribute */
/**
 * @typedef {{name: string, version: number, layers: Layer[], relations: RelationType[],
 *   attributes: Attribute[]}} Scheme
 */
/**
 * The open article, as both sessions' `document_view()` send it; offsets in code points.
 * @typedef {{doc_id: string, index: number, count: number, title: string | null,
 *   lede?: string | null, published: string | null, source: string | null,
 *   byline: string | null, text: string, sha256: string, tokens: number[]}} Doc
 */
/**
 * What any drawn span has, whatever else a widget adds to it. A discontinuous span lists its
 * pieces in `fragments` (sorted, in code points); `start`/`end` are its outer extent.
 * @typedef {{id: string, layer: string, label: string, start: number, end: number,
 *   fragments?: number[][] | null}} Drawn
 */
/**
 * The part of anywidget's model the views use.
 * @typedef {{
 *   get: (name: string) => any,
 *   set: (name: string, value: any) => void,
 *   save_changes: () => void,
 *   on: (event: string, callback: (...args: any[]) => void) => void,
 *   off: (event: string, callback: (...args: any[]) => void) => void,
 *   send: (content: any) => void,
 * }} Model
 */
/**
 * A message from Python: the reply to a request carries its `id`; a refusal or failure
 * carries `error` (the text to show) and `code` (E119, …).
 * @typedef {{kind: string, id?: string, error?: string, code?: string, [field: string]: any}} Reply
 */
/** A key press, as the command that acts on it sees it. @typedef {{key: string, shift: boolean, alt: boolean, ctrl: boolean}} Key */
/** A stretch of the article in code points, or nothing. @typedef {[number, number] | null} Extent */

export {};
