// @ts-check
/**
 * What the reviewer's keys and buttons do: select a disagreement, take a version, reject,
 * write one's own span (the draft), undo, mark the gold document done. Each decision is one
 * message; once Python has answered (and the page redrawn), the next open disagreement is
 * selected. A refusal is shown by the channel and leaves the page as it was.
 */

/** @typedef {import("./view.js").ReviewView} ReviewView */
/** @typedef {import("./types.js").Unit} Unit */
/** @typedef {import("../common/types.js").Extent} Extent */

/** @param {ReviewView} view @param {string | null} unitId @param {number} [focus] */
export function select(view, unitId, focus = 0) {
  view.catchUp();
  view.unitId = unitId && view.units.some((u) => u.unit_id === unitId) ? unitId : null;
  view.focus = focus;
  view.spanId = null;
  view.flush();
  const unit = view.unit;
  if (unit) {
    const first = unit.versions[focus]?.span_id ?? unit.gold[0];
    view.fragments.get(first)?.[0]?.scrollIntoView({ block: "nearest" });
  }
}

/**
 * Next or previous disagreement in text order (only open ones when `onlyOpen`, unless none
 * is open).
 * @param {ReviewView} view
 * @param {1 | -1} step
 * @param {boolean} onlyOpen
 */
export function cycle(view, step, onlyOpen) {
  let list = view.units;
  if (onlyOpen && list.some((u) => u.state === "open")) list = list.filter((u) => u.state === "open");
  if (!list.length) {
    view.say("No disagreements in this document: mark it done (d) and go on.");
    return;
  }
  const all = view.units;
  const here = view.unitId ? all.findIndex((u) => u.unit_id === view.unitId) : -1;
  /** @type {Unit | undefined} */
  let target;
  if (here < 0) target = step > 0 ? list[0] : list[list.length - 1];
  else {
    for (let i = 1; i <= all.length && !target; i += 1) {
      const candidate = all[(here + step * i + all.length * i) % all.length];
      if (list.includes(candidate)) target = candidate;
    }
  }
  select(view, target ? target.unit_id : null);
}

/**
 * After a decision: the next open disagreement after `unitId`, else stay on it.
 * @param {ReviewView} view @param {string} unitId
 */
function advanceFrom(view, unitId) {
  view.catchUp();
  const all = view.units;
  const here = all.findIndex((u) => u.unit_id === unitId);
  const after = [...all.slice(here + 1), ...all.slice(0, Math.max(here, 0))];
  const next = after.find((u) => u.state === "open");
  select(view, next ? next.unit_id : unitId);
  if (!next) view.say("Every disagreement here is decided: d marks the gold document done.");
}

/** @param {ReviewView} view @returns {Unit | null} */
function needUnit(view) {
  const unit = view.unit;
  if (!unit) view.say("Select a disagreement first: Tab goes to the next open one, or click a dashed span.");
  return unit ?? null;
}

/**
 * Take annotator `number`'s version of the selected unit.
 * @param {ReviewView} view @param {number} number
 */
export async function pick(view, number) {
  const unit = needUnit(view);
  if (!unit) return;
  const reply = await view.request("pick", { unit_id: unit.unit_id, number, seen: unit.decision_id ?? null });
  if (reply) {
    const name = view.annotatorName(number) ?? `annotator ${number}`;
    view.say(`Took ${name}'s version.`);
    advanceFrom(view, unit.unit_id);
  }
}

/** @param {ReviewView} view */
export async function reject(view) {
  const unit = needUnit(view);
  if (!unit) return;
  const reply = await view.request("reject", { unit_id: unit.unit_id, seen: unit.decision_id ?? null });
  if (reply) {
    view.say("Rejected: nothing of it goes into gold.");
    advanceFrom(view, unit.unit_id);
  }
}

// --- the reviewer's own span ---------------------------------------------------------------------
/**
 * Start editing the selected unit from the focused version, or from the text selection.
 * @param {ReviewView} view @param {Extent} range
 */
export function startEdit(view, range) {
  const unit = needUnit(view);
  if (!unit) return;
  const version = unit.versions[view.focus] ?? unit.versions[0];
  const base = version?.keys[0] ?? null;
  const [start, end] = range ?? [version?.start ?? unit.start, version?.end ?? unit.end];
  const label = version?.label ?? view.layer(unit.layer)?.labels[0]?.name ?? "";
  window.getSelection()?.removeAllRanges();
  view.draft = { unit: unit.unit_id, layer: unit.layer, label, start, end, base, seen: unit.decision_id ?? null };
  view.say("Editing: label keys change the label, Shift/Alt+←/→ or a mouse selection the extent; Enter saves, Esc cancels.");
  view.dirty.text = true;
  view.flush();
}

/** @param {ReviewView} view @param {string} label */
export function setDraftLabel(view, label) {
  if (!view.draft) return;
  view.draft.label = label;
  view.dirty.text = true;
  view.flush();
}

/** @param {ReviewView} view @param {[number, number]} extent */
export function setDraftExtent(view, extent) {
  if (!view.draft) return;
  window.getSelection()?.removeAllRanges();
  [view.draft.start, view.draft.end] = extent;
  view.dirty.text = true;
  view.flush();
}

/** @param {ReviewView} view */
export function cancelDraft(view) {
  view.draft = null;
  view.say(null);
  view.dirty.text = true;
  view.flush();
}

/** @param {ReviewView} view */
export async function saveDraft(view) {
  const draft = view.draft;
  if (!draft) return;
  const { unit, label, start, end, base, seen } = draft;
  const reply = await view.request("edit", { unit_id: unit, label, start, end, base, seen });
  if (reply) {
    view.draft = null;
    view.dirty.text = true;
    view.say("Your span is in gold.");
    advanceFrom(view, unit);
  }
}

// --- undo and the document -----------------------------------------------------------------------
/** @param {ReviewView} view */
export async function undo(view) {
  const reply = await view.request("undo");
  if (reply) {
    /** @type {Record<string, string>} */
    const what = { picked: "the pick", edited: "the edit", rejected: "the rejection", status: "the status" };
    view.say(`Undone: ${what[reply.undid] ?? "the last decision"}.`);
    if (reply.unit_id) select(view, reply.unit_id);
  }
}

/** @param {ReviewView} view */
export async function setDone(view) {
  const reply = await view.request("status", { status: "done", advance: true });
  if (reply && reply.moved === false) view.say("Every listed document's gold is done.");
}

/** @param {ReviewView} view */
export async function reopen(view) {
  await view.request("status", { status: null });
}
