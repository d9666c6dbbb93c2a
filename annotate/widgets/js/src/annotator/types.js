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
 *   comment: string | null, seconds_doc: number, seconds_total: number, can_undo: boolean,
 *   can_redo: boolean, undecided_default: "accept" | "reject"}} State
 */
/** A document in a list: its index in the queue is -1 where not known. */
/** @typedef {{doc_id: string, title: string, index: number, status: string | null}} DocEntry */
/** @typedef {{done: number, skipped: number, flagged: number, total: number}} Progress */
/**
 * The documents around the open one (never the whole queue) and the progress.
 * @typedef {{doc_id: string, index: number, total: number, items: DocEntry[],
 *   progress: Progress}} QueueView
 */
/**
 * The project's guidelines in parts: the introduction, and per layer its text and its labels'.
 * @typedef {{intro: string, layers: Record<string, {text: string,
 *   labels: Record<string, string>}>}} Guidelines
 */
/** How a layer is drawn: at full strength, dimmed, or not at all. */
/** @typedef {"full" | "dim" | "hidden"} Shown */
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
