// @ts-check
/**
 * The layer view: which layers are drawn at full strength, dimmed or not at all, so that five
 * overlapping layers stay legible. The active layer is always at full strength. `o` focuses it
 * (the others dimmed, again: hidden, again: all back); Shift with a layer's key, or the eye on
 * its tab, steps that one layer through full, dimmed and hidden. Only classes change: no
 * redraw, no message to Python (how the page looks is the page's own business).
 */

/** @typedef {import("./view.js").AnnotatorView} AnnotatorView */
/** @typedef {import("./types.js").Shown} Shown */

/** @type {Shown[]} */
const ORDER = ["full", "dim", "hidden"];
const CLASS = { full: "", dim: "an-dim", hidden: "an-hide" };

/**
 * How a layer is drawn now.
 * @param {AnnotatorView} view @param {string} layer
 * @returns {Shown}
 */
export function shownAs(view, layer) {
  if (layer === view.layerName) return "full";
  if (view.focusMode) return view.focusMode;
  return view.layerShow.get(layer) ?? "full";
}

/**
 * Step one layer through full, dimmed and hidden (Shift + its key, or the eye on its tab).
 * @param {AnnotatorView} view @param {string} layer
 */
export function cycleLayer(view, layer) {
  if (layer === view.layerName) {
    view.say(`${layer} is the active layer: it is always drawn. Switch layer first, or press o.`);
    return;
  }
  if (view.focusMode) {
    // From a focus to layers of one's own choosing: start from what is shown now.
    for (const other of view.scheme.layers) view.layerShow.set(other.name, shownAs(view, other.name));
    view.focusMode = null;
  }
  const now = view.layerShow.get(layer) ?? "full";
  const next = ORDER[(ORDER.indexOf(now) + 1) % ORDER.length];
  view.layerShow.set(layer, next);
  view.say(`${layer}: ${next === "full" ? "shown" : next === "dim" ? "dimmed" : "hidden"}.`);
  applyLayerView(view);
}

/**
 * `o`: the active layer alone at full strength, the others dimmed; again: hidden; again: all.
 * @param {AnnotatorView} view
 */
export function cycleFocus(view) {
  const next = view.focusMode === null ? "dim" : view.focusMode === "dim" ? "hidden" : null;
  view.focusMode = next;
  if (next === null) view.layerShow.clear();
  view.say(
    next === null
      ? "Every layer shown."
      : `Only ${view.layerName} at full strength; the other layers ${next === "dim" ? "dimmed" : "hidden"} (o again: ${next === "dim" ? "hidden" : "all"}).`,
  );
  applyLayerView(view);
}

/**
 * Put the classes on the drawn spans and say on the root what is shown (tests read it).
 * @param {AnnotatorView} view
 */
export function applyLayerView(view) {
  /** @type {Record<string, Shown>} */
  const states = {};
  for (const layer of view.scheme.layers) states[layer.name] = shownAs(view, layer.name);
  for (const [id, nodes] of view.fragments) {
    const span = view.spanById.get(id);
    if (!span) continue;
    const want = CLASS[states[span.layer] ?? "full"];
    for (const node of nodes) {
      node.classList.toggle("an-dim", want === "an-dim");
      node.classList.toggle("an-hide", want === "an-hide");
    }
  }
  view.root.dataset.layerView = Object.entries(states)
    .map(([name, shown]) => `${name}:${shown}`)
    .join(" ");
  for (const tab of view.layersBar.querySelectorAll("[data-eye]")) {
    const layer = /** @type {HTMLElement} */ (tab).dataset.eye ?? "";
    const shown = states[layer] ?? "full";
    tab.setAttribute("data-shown", shown);
    tab.textContent = shown === "full" ? "●" : shown === "dim" ? "◐" : "○";
  }
}

/**
 * Whether spans of a layer can be clicked (a hidden layer's cannot).
 * @param {AnnotatorView} view @param {string} layer
 */
export function clickable(view, layer) {
  return shownAs(view, layer) !== "hidden";
}
