// @ts-check
/**
 * The reviewer's keys: which keys are the widget's (decided at once, so they are taken from the
 * browser) and what each does when its turn comes. A number takes that annotator's version;
 * while an edit is open, the layer's label keys and Shift/Alt+arrows change it instead.
 */
import { labelKey } from "../common/view.js";
import {
  cancelDraft,
  cycle,
  pick,
  reject,
  saveDraft,
  select,
  setDone,
  setDraftExtent,
  setDraftLabel,
  startEdit,
  undo,
} from "./actions.js";

/** @typedef {import("./view.js").ReviewView} ReviewView */
/** @typedef {import("./types.js").Draft} Draft */
/** @typedef {import("../common/types.js").Key} Key */
/** @typedef {import("../common/types.js").Extent} Extent */

const COMMAND_KEYS = new Set(
  ["Tab", "Enter", "x", "Delete", "Backspace", "e", "u", "j", "k", "n", "p", "g", "d", "?", "Escape"],
);

/** The widget's own keys, as the help list shows them. */
export const KEY_HELP = [
  ["Tab / Shift+Tab", "next / previous open disagreement"],
  ["j / k", "next / previous disagreement, decided ones too"],
  ["1 … 9", "take that annotator's version (numbers before the names above)"],
  ["Enter", "take the version you clicked"],
  ["x, Delete", "reject: nothing of this unit goes into gold"],
  ["e", "edit: start from the version shown (or the selected text), then"],
  ["   label keys, Shift/Alt+← →", "   change the label, move the end / start by a word,"],
  ["   select text", "   or set the extent with the mouse; Enter saves, Esc cancels"],
  ["u (Ctrl+Z)", "undo the last decision"],
  ["d", "mark the gold document done and open the next one"],
  ["n / p / g", "next / previous document / jump to one"],
  ["click", "a span selects its unit; again: the next span out, where spans overlap"],
  ["Esc", "clear the selection and messages"],
];

/**
 * Whether a key is the widget's.
 * @param {ReviewView} view
 * @param {KeyboardEvent} event
 */
export function ownsKey(view, event) {
  const key = event.key;
  if (event.ctrlKey || event.metaKey) return key.toLowerCase() === "z" && !event.shiftKey;
  if (!view.state?.reviewer) return false;
  if (key === "ArrowLeft" || key === "ArrowRight") return Boolean(view.draft) && (event.altKey || event.shiftKey);
  if (event.altKey) return false;
  if (COMMAND_KEYS.has(key) || /^[1-9]$/.test(key)) return true;
  const layer = view.draft ? view.layer(view.draft.layer) : undefined;
  return Boolean(layer?.labels.some((_, i) => labelKey(layer, i) === key));
}

/**
 * What a key does, decided when its turn comes (after every earlier command's reply).
 * @param {ReviewView} view
 * @param {Key} k
 * @param {Extent} range the text selection when the key was pressed
 */
export function runKey(view, k, range) {
  const key = k.key;
  if (k.ctrl) return undo(view);
  if (view.draft) return draftKey(view, k);
  if (key === "Escape") {
    view.clearError();
    view.say(null);
    window.getSelection()?.removeAllRanges();
    return select(view, null);
  }
  if (/^[1-9]$/.test(key)) return pick(view, Number(key));
  switch (key) {
    case "Tab":
      return cycle(view, k.shift ? -1 : 1, true);
    case "j":
      return cycle(view, 1, false);
    case "k":
      return cycle(view, -1, false);
    case "Enter": {
      const version = view.unit?.versions[view.focus];
      return version ? pick(view, version.keys[0]) : cycle(view, 1, true);
    }
    case "x":
    case "Delete":
    case "Backspace":
      return reject(view);
    case "e":
      return startEdit(view, range);
    case "u":
      return undo(view);
    case "d":
      return setDone(view);
    case "n":
      return view.go("next");
    case "p":
      return view.go("previous");
    case "g":
      return view.jump?.focus();
    case "?":
      view.help.open = !view.help.open;
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Keys while editing a unit's span.
 * @param {ReviewView} view
 * @param {Key} k
 */
function draftKey(view, k) {
  const draft = /** @type {Draft} */ (view.draft);
  const key = k.key;
  if (key === "Escape") return cancelDraft(view);
  if (key === "Enter") return saveDraft(view);
  if (key === "ArrowLeft" || key === "ArrowRight") {
    const edge = k.alt ? "start" : "end";
    const moved = view.tokens.move(draft.start, draft.end, edge, key === "ArrowLeft" ? -1 : 1);
    return moved ? setDraftExtent(view, moved) : undefined;
  }
  const layer = view.layer(draft.layer);
  const index = layer ? layer.labels.findIndex((_, i) => labelKey(layer, i) === key) : -1;
  if (layer && index >= 0) return setDraftLabel(view, layer.labels[index].name);
  if (key === "?") view.help.open = !view.help.open;
  return undefined;
}
