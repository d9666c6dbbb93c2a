// @ts-check
/**
 * The annotator's keys: which keys are the widget's (decided at once, so they are taken from
 * the browser) and what each does when its turn comes. The scheme's keys come first (labels of
 * the active layer, then layers, then Shift + a layer's key for its view), then the widget's
 * own. While the done question is open it has every key.
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
import { done, doneKey } from "./done.js";
import { openFind } from "./find.js";
import { toggleHelp } from "./help.js";
import { openJump } from "./jump.js";
import { cycleFocus, cycleLayer } from "./layers.js";
import { toggleFull } from "./layout.js";
import { cycleCandidate, finishLink, startLink } from "./links.js";
import { attributeKey, editAttributes } from "./panel.js";
import { openFlag, toggleArcs } from "./toolbar.js";
import { carry, toggleDiff } from "./versions.js";

/** @typedef {import("./view.js").AnnotatorView} AnnotatorView */
/** @typedef {import("../common/types.js").Key} Key */
/** @typedef {import("../common/types.js").Extent} Extent */
/** @typedef {import("../common/types.js").Scheme} Scheme */

const COMMAND_KEYS = new Set(
  ["Tab", "Enter", "a", "A", "x", "Delete", "Backspace", "t", "b", "d", "k", "f", "n", "p", "g"]
    .concat(["z", "y", "Z", "v", "V", "?", "Escape", "/", "o", "r", "F", "i"]),
);

/** The widget's own keys, as the help lists them. */
const KEY_HELP = [
  ["select text, then 1–9 …", "mark it with that label of the active layer (snapped to words)"],
  ["/ text Enter", "find text in the article and select it (then a label's key marks it)"],
  ["{layer keys}", "switch the active layer: {layer names}"],
  ["Tab / Shift+Tab", "next / previous span of the active layer"],
  ["Enter or a", "accept the suggestion and go to the next suggestion of the layer"],
  ["x, Delete", "reject the suggestion (and go to the next) / delete your span"],
  ["1–9 … on a span", "change its label (a suggestion: accept it with that label)"],
  ["A", "accept every suggestion of the active layer"],
  ["Shift+← →", "move the span's end by a word"],
  ["Alt+← →", "move the span's start by a word"],
  ["select text, then b", "move the selected span onto the text selection"],
  ["t, Tab…, Enter", "link the span (quote→source/cue, source→entity, claim→source)"],
  ["Shift+click", "link the selected span to the clicked one"],
  ["i", "edit the span's attributes: Tab between them, Enter or Space sets, Esc back"],
  ["click again", "the next span out, where spans overlap"],
  ["o", "only the active layer at full strength; again: the others hidden; again: all"],
  ["{view keys}", "that layer (Shift + its key): full strength → dimmed → hidden"],
  ["r", "draw every link in the text / only the selected span's"],
  ["d", "mark done and go on (asks about suggestions still shown)"],
  ["k / f", "skip / flag with a comment (Enter saves)"],
  ["n / p / g", "next / previous document / go to one (search by title, id or #N)"],
  ["z / y (Ctrl+Z / Ctrl+Y)", "undo / redo"],
  ["v", "mark what is not in the other version of this article (again: hide)"],
  ["V (Shift+v)", "carry your spans from the other version here, as suggestions"],
  ["F", "fill the notebook panel (again: back into the notebook)"],
  ["?", "this help, with the guidelines for the layer and label"],
  ["Esc", "cancel linking, clear the selection and messages, close what is open"],
];

/**
 * The key that steps a layer's view: Shift with its key, when that is not a key of its own.
 * @param {import("../common/types.js").Layer} layer
 */
export function viewKey(layer) {
  const upper = layer.key ? layer.key.toUpperCase() : "";
  return upper && upper !== layer.key && !COMMAND_KEYS.has(upper) ? upper : "";
}

/** The help list, with the scheme's layer keys. @param {Scheme} scheme */
export function helpEntries(scheme) {
  const keyed = scheme.layers.filter((l) => l.key);
  const layerKeys = keyed.map((l) => l.key).join(" ");
  const names = keyed.map((l) => `${l.key} ${l.name}`).join(", ");
  const viewKeys = scheme.layers
    .map((l) => viewKey(l))
    .filter(Boolean)
    .join(" ");
  return KEY_HELP.map(([key, what]) => [
    key === "{layer keys}" ? layerKeys : key === "{view keys}" ? viewKeys || "(none)" : key,
    what.replace("{layer names}", names),
  ]);
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
  if (view.doneAsk) return true;
  // Space sets an attribute (after i); owned always, since i may still be waiting its turn.
  if (key === " ") return true;
  if (key === "ArrowLeft" || key === "ArrowRight") return event.altKey || event.shiftKey;
  if (event.altKey) return false;
  if (COMMAND_KEYS.has(key)) return true;
  return view.scheme.layers.some(
    (layer) =>
      layer.key === key || viewKey(layer) === key || layer.labels.some((_, i) => labelKey(layer, i) === key),
  );
}

/**
 * Keys that open a field to type in act at once, not in their turn: whatever is typed next
 * must land in the field, not be taken as the widget's keys while earlier commands finish.
 * @param {AnnotatorView} view
 * @param {KeyboardEvent} event
 * @returns {boolean} whether the key was one of them
 */
export function openNow(view, event) {
  if (view.doneAsk || event.ctrlKey || event.metaKey || event.altKey) return false;
  const open = { "/": openFind, g: openJump, f: openFlag }[event.key];
  if (!open) return false;
  view.touch();
  open(view);
  return true;
}

/**
 * What a key does, decided when its turn comes (after every earlier command's reply).
 * @param {AnnotatorView} view
 * @param {Key} k
 * @param {Extent} range the text selection when the key was pressed
 */
export function runKey(view, k, range) {
  const key = k.key;
  if (view.doneAsk) return doneKey(view, k);
  if (view.attrFocus !== null && attributeKey(view, k)) return undefined;
  // A message stays until it is read or the next action: this key is that action.
  if (key !== "?" && !view.link) view.say(null);
  const span = view.current;
  if (k.ctrl) return view.request(key.toLowerCase() === "z" && !k.shift ? "undo" : "redo");
  if (key === "Escape") {
    if (view.helpOpen) return toggleHelp(view);
    view.link = null;
    view.clearError();
    window.getSelection()?.removeAllRanges();
    return select(view, null);
  }
  if (key === "ArrowLeft" || key === "ArrowRight") {
    const step = key === "ArrowLeft" ? -1 : 1;
    return span ? nudge(view, span.id, k.alt ? "start" : "end", step) : undefined;
  }
  // What / found is the selection the next key acts on, unless the mouse selected since.
  const found = view.found;
  view.found = null;
  const selection = range ?? found;
  const layer = view.layer(view.layerName);
  const index = layer ? layer.labels.findIndex((_, i) => labelKey(layer, i) === key) : -1;
  if (layer && index >= 0) return markOrRelabel(view, layer.labels[index].name, selection);
  const other = view.scheme.layers.find((l) => l.key && l.key === key);
  if (other) return setLayer(view, other.name);
  const viewed = view.scheme.layers.find((l) => viewKey(l) === key);
  if (viewed) return cycleLayer(view, viewed.name);
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
      return span ? startLink(view, span.id, null) : view.say("Select a span first (Tab), then t.");
    case "b":
      return span ? resizeTo(view, span.id, selection) : undefined;
    case "i":
      return span ? editAttributes(view) : view.say("Select a span first (Tab), then i.");
    case "d":
      return done(view);
    case "k":
      return setStatus(view, "skipped", true);
    case "f":
      return openFlag(view);
    case "n":
      return view.go("next");
    case "p":
      return view.go("previous");
    case "g":
      return openJump(view);
    case "/":
      return openFind(view);
    case "z":
      return view.request("undo");
    case "y":
    case "Z":
      return view.request("redo");
    case "v":
      return toggleDiff(view);
    case "V":
      return carry(view);
    case "o":
      return cycleFocus(view);
    case "r":
      return toggleArcs(view);
    case "F":
      return toggleFull(view);
    case "?":
      return toggleHelp(view);
    default:
      return undefined;
  }
}
