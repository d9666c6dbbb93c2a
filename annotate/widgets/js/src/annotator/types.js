// @ts-check
/** The annotator's views from Python (`Session.*_view()`). Types only: nothing here runs. */

/**
 * @typedef {{id: string, layer: string, label: string, start: number, end: number, text: string,
 *   status: "accepted" | "suggested", origin: string, attrs: Record<string, any>,
 *   reason: string | null, confidence: number | null}} Span
 */
/** @typedef {{id: string, type: string, head: string, tail: string, status: string}} Relation */
/**
 * @typedef {{annotator: string, suggester: string, suggesters: string[], status: string | null,
 *   comment: string | null,
 *   progress: {done: number, skipped: number, flagged: number, total: number},
 *   seconds_doc: number, seconds_total: number, can_undo: boolean, can_redo: boolean}} State
 */
/** @typedef {{doc_id: string, title: string, status: string | null}} DocEntry */
/**
 * Another version of the open article: how alike, and how far the annotator got there.
 * @typedef {{doc_id: string, title: string, similarity: number, percent: number, spans: number,
 *   status: string | null}} Version
 */
/** @typedef {{doc_id: string, ready: boolean, items: Version[], default: string | null}} Versions */
/**
 * A stretch of the open article that the other version lacks (insert, replace), or a point
 * where the other version has text this one lacks (delete); offsets in code points.
 * @typedef {{start: number, end: number, op: string, was: string}} DiffMark
 */
/** @typedef {{doc_id: string, other: string, marks: DiffMark[], gaps: DiffMark[]}} DiffView */
/** Linking in progress: from `anchor`, of `type` (any when null), `focus` the candidate in focus. */
/** @typedef {{anchor: string, type: string | null, focus: string | null}} Link */

export {};
