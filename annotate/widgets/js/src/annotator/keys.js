// @ts-check
/**
 * The annotator's keys: which keys are the widget's (decided at once, so they are taken from
 * the browser) and what each does when its turn comes. The scheme's keys come first (labels of
 * the active layer, then layers), then the widget's own.
 */
import { labelKey } from "../common/view.js";
import {
  accept,
  acceptAll,
  cycle,
  markOrRelabel,
  nudge,
  remove,
  resizeTo,
  select,
  setLayer,
  setStatus,
} from "./actions.js";
import { cycleCandidate, finishLink, startLink } from "./links.js";
import { openFlag } from "./toolbar.js";
import { carry, toggleDiff } from "./versions.js";

/** @typedef {import("./view.js").AnnotatorView} AnnotatorView */
/** @typedef {import("../common/types.js").Key} Key */
/** @typedef {import("../common/types.js").Extent} Extent */
/** @typedef {import("../common/types.js").Scheme} Scheme */

const COMMAND_KEYS = new Set(
  ["Tab", "Enter", "a", "A", "x", "Delete", "Backspace", "t", "b", "d", "k", "f", "n", "p", "g"]
    .concat(["z", "y", "Z", "v", "V", "?", "Escape"]),
);

/** The widget's own keys, as the help list shows them. */
const KEY_HELP = [
  ["select text, then 1–9 …", "mark it with that label of the active layer"],
  ["{layer keys}", "switch the active layer"],
  ["Tab / Shift+Tab", "next / previous span of the active layer"],
  ["Enter or a", "accept the suggestion (or go to the first one)"],
  ["A", "accept every suggestion of the active layer"],
  ["x, Delete", "reject the suggestion / delete your span"],
  ["1–9 … on a span", "change its label"],
  ["Shift+← →", "move the span's end by a word"],
  ["Alt+← →", "move the span's start by a word"],
  ["select text, then b", "move the selected span onto the text selection"],
  ["t, then Tab/click, Enter", "link the span (quote→source/cue, source→entity, claim→source)"],
  ["Shift+click", "link the selected span to the clicked one"],
  ["click again", "the next span out, where spans overlap"],
  ["d / k / f", "mark done (and go on) / skip / flag with a comment"],
  ["n / p / g", "next / previous document / jump to one"],
  ["z / y (Ctrl+Z / Ctrl+Y)", "undo / redo"],
  ["v", "mark what is not in the other version of this article (again: hide)"],
  ["V (Shift+v)", "carry your spans from the other version here, as suggestions"],
  ["click a version", "compare with / carry from that version"],
  ["Esc", "cancel linking, clear the selection and messages"],
];

/** The help list, with the scheme's layer keys. @param {Scheme} scheme */
export function helpEntries(scheme) {
  const layerKeys = scheme.layers.map((l) => `${l.key} ${l.name}`).join(", ");
  return KEY_HELP.map(([key, what]) => [key === "{layer keys}" ? layerKeys : key, what]);
}

/**
 * Whether a key is the widget's.
 * @param {AnnotatorView} view
 * @param {KeyboardEvent} event
 */
export function ownsKey(view, event) {
  const key = event.key;
  if (event.ctrlKey || event.metaKey) return key.toLowerCase() === "z" || key.toLowerCase() === "y";
  if (!view.state?.annotator) return false;
  if (key === "ArrowLeft" || key === "ArrowRight") return event.altKey || event.shiftKey;
  if (event.altKey) return false;
  if (COMMAND_KEYS.has(key)) return true;
  return view.scheme.layers.some(
    (layer) => layer.key === key || layer.labels.some((_, i) => labelKey(layer, i) === key),
  );
}

/**
 * What a key does, decided when its turn comes (after every earlier command's reply).
 * @param {AnnotatorView} view
 * @param {Key} k
 * @param {Extent} range the text selection when the key was pressed
 */
export function runKey(view, k, range) {
  const key = k.key;
  const span = view.current;
  if (k.ctrl) return view.request(key.toLowerCase() === "z" && !k.shift ? "undo" : "redo");
  if (key === "Escape") {
    view.link = null;
    view.clearError();
    view.say(null);
    window.getSelection()?.removeAllRanges();
    return select(view, null);
  }
  if (key === "ArrowLeft" || key === "ArrowRight") {
    const step = key === "ArrowLeft" ? -1 : 1;
    return span ? nudge(view, span.id, k.alt ? "start" : "end", step) : undefined;
  }
  const layer = view.layer(view.layerName);
  const index = layer ? layer.labels.findIndex((_, i) => labelKey(layer, i) === key) : -1;
  if (layer && index >= 0) return markOrRelabel(view, layer.labels[index].name, range);
  const other = view.scheme.layers.find((l) => l.key && l.key === key);
  if (other) return setLayer(view, other.name);
  switch (key) {
    case "Tab":
      return view.link ? cycleCandidate(view, k.shift ? -1 : 1) : cycle(view, k.shift ? -1 : 1);
    case "Enter":
    case "a":
      if (view.link) return view.link.focus ? finishLink(view, view.link.focus) : undefined;
      if (!span) return cycle(view, 1, true);
      return span.status === "suggested" ? accept(view, span.id) : undefined;
    case "A":
      return acceptAll(view);
    case "x":
    case "Delete":
    case "Backspace":
      return span ? remove(view, span.id) : undefined;
    case "t":
      return span ? startLink(view, span.id, null) : undefined;
    case "b":
      return span ? resizeTo(view, span.id, range) : undefined;
    case "d":
      return setStatus(view, "done", true);
    case "k":
      return setStatus(view, "skipped", true);
    case "f":
      return openFlag(view);
    case "n":
      return view.go("next");
    case "p":
      return view.go("previous");
    case "g":
      return view.jump?.focus();
    case "z":
      return view.request("undo");
    case "y":
    case "Z":
      return view.request("redo");
    case "v":
      return toggleDiff(view);
    case "V":
      return carry(view);
    case "?":
      view.help.open = !view.help.open;
      return undefined;
    default:
      return undefined;
  }
}
