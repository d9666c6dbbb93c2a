// @ts-check
/** The reviewer's views from Python (`ReviewSession.*`). Types only: nothing here runs. */

/**
 * A drawn span: a gold span (`agreed` by everyone or `gold`, decided by the reviewer), one
 * version of an open disagreement (`disputed`), or the reviewer's edit in progress (`draft`).
 * @typedef {{id: string, layer: string, label: string, start: number, end: number, text: string,
 *   status: "agreed" | "gold" | "disputed" | "draft", annotators: string[], unit: string | null,
 *   decision: string | null, by: string | null, chosen: string | null,
 *   attrs: Record<string, any>, keys: number[]}} Span
 */
/**
 * @typedef {{label: string, start: number, end: number, text: string, attrs: Record<string, any>,
 *   annotators: string[], keys: number[], span_id: string}} Version
 */
/**
 * A unit: one place where the annotators disagree, with every version of it.
 * @typedef {{unit_id: string, layer: string, start: number, end: number, text: string,
 *   reason: string, missing: string[], state: string, chosen: string | null, by: string | null,
 *   decision_id: string | null, gold: string[], versions: Version[]}} Unit
 */
/** @typedef {{id: string, type: string, head: string, tail: string}} Relation */
/**
 * @typedef {{reviewer: string, annotators: {name: string, key: number}[], status: string | null,
 *   progress: {open: number, disagreements: number, adjudicated: number, documents: number},
 *   can_undo: boolean, notice: string | null, note: string | null}} State
 */
/** @typedef {{doc_id: string, title: string, status: string | null, annotators: number}} DocEntry */
/**
 * The reviewer's own span for a unit, being edited: `base` is the annotator number it started
 * from, `seen` the decision the reviewer saw (so an overruling is deliberate).
 * @typedef {{unit: string, layer: string, label: string, start: number, end: number,
 *   base: number | null, seen: string | null}} Draft
 */

export {};
