// @ts-check
/**
 * Above the article: the bar (documents, status, undo and redo, progress, time, who, the save
 * state, help and full height), the flag form, the layer tabs with their view (full, dimmed,
 * hidden) and the active layer's legend of labels.
 */
import { button, h, safeColor } from "../common/dom.js";
import { oneLineForm } from "../common/forms.js";
import { labelKey } from "../common/view.js";
import { acceptAll, flag, markOrRelabel, setLayer, setStatus } from "./actions.js";
import { done } from "./done.js";
import { toggleHelp } from "./help.js";
import { openJump } from "./jump.js";
import { applyLayerView, cycleFocus, cycleLayer } from "./layers.js";
import { toggleFull } from "./layout.js";
import { openSwitch } from "./switch.js";
import { renderTime } from "./time.js";

/** @typedef {import("./view.js").AnnotatorView} AnnotatorView */

/** @type {Record<string, string>} */
export const STATUS_MARK = { done: "✓", skipped: "↷", flagged: "⚑" };

/** @param {AnnotatorView} view */
export function renderBar(view) {
  const state = view.state;
  const doc = view.doc;
  const queue = view.queue;
  if (!state || !doc) return;
  const total = queue?.total ?? doc.count;
  const nav = h("div", { cls: "an-nav" }, [
    button("◀", "previous document (p)", () => view.run(() => view.go("previous"))),
    h("span", {
      cls: "an-pos",
      text: `${(doc.index + 1).toLocaleString("en")} / ${total.toLocaleString("en")}`,
      attrs: { "data-testid": "position" },
    }),
    button("▶", "next document (n)", () => view.run(() => view.go("next"))),
    button("Go to…", "g: find a document by title, id or #number", () => openJump(view), "an-goto"),
  ]);
  const p = queue?.progress ?? { done: 0, skipped: 0, flagged: 0, total };
  const status = state.status
    ? `${STATUS_MARK[state.status] ?? ""} ${state.status}${state.comment ? `: ${state.comment}` : ""}`
    : "open";
  const undo = button("↶", "undo (z or Ctrl+Z)", () => view.run(() => view.request("undo")));
  const redo = button("↷", "redo (y or Ctrl+Y)", () => view.run(() => view.request("redo")));
  undo.disabled = !state.can_undo;
  redo.disabled = !state.can_redo;
  undo.setAttribute("aria-label", "Undo");
  redo.setAttribute("aria-label", "Redo");
  view.timeEl = h("span", { cls: "an-time", title: "time on this document · in all" });
  const progress =
    `${p.done.toLocaleString("en")} done of ${p.total.toLocaleString("en")}` +
    (p.skipped ? ` · ${p.skipped} skipped` : "") +
    (p.flagged ? ` · ${p.flagged} flagged` : "");
  const who = button(state.annotator, "annotating as (click: how to switch person)", () => openSwitch(view), "an-who");
  const full = button(view.full ? "⤡" : "⤢", "F: fill the notebook panel / back", () => view.run(() => toggleFull(view)));
  full.setAttribute("aria-label", view.full ? "Back into the notebook" : "Full height");
  full.dataset.testid = "full";
  view.bar.replaceChildren(
    nav,
    h("div", { cls: "an-status" }, [
      h("span", {
        cls: `an-badge an-badge-${state.status ?? "open"}`,
        text: status,
        title: status,
        attrs: { "data-testid": "doc-status" },
      }),
      button("✓ Done", "mark done and open the next open document (d)", () => view.run(() => done(view)), "an-done-button"),
      button("Skip", "mark skipped and go on (k)", () => view.run(() => setStatus(view, "skipped", true))),
      button("⚑ Flag", "flag with a comment (f)", () => openFlag(view)),
      state.status
        ? button("Reopen", "clear the status", () => view.run(() => setStatus(view, null, false)))
        : null,
      undo,
      redo,
    ]),
    h("div", { cls: "an-facts" }, [
      h("span", { cls: "an-progress", text: progress, attrs: { "data-testid": "progress" } }),
      suggesterChoice(view),
      view.timeEl,
      who,
      view.saveIndicator(),
      button("?", "keys and guidelines (?)", () => toggleHelp(view), "an-help-button"),
      full,
    ]),
  );
  renderTime(view);
}

/**
 * Whose suggestions are shown: a select when the project has several suggesters (the rules,
 * a trained pipeline, …); Python checks the choice and redraws the spans.
 * @param {AnnotatorView} view
 */
function suggesterChoice(view) {
  const names = view.state.suggesters ?? [];
  if (names.length < 2) {
    const only = view.state.suggester;
    return only ? h("span", { cls: "an-suggester", text: shortName(only), title: `suggestions: ${only}` }) : null;
  }
  const select = /** @type {HTMLSelectElement} */ (
    h("select", {
      cls: "an-suggester",
      attrs: { "aria-label": "Show suggestions of", title: "whose suggestions are shown", "data-testid": "suggester" },
    })
  );
  for (const name of names) {
    const option = /** @type {HTMLOptionElement} */ (h("option", { text: shortName(name), attrs: { value: name } }));
    option.title = name;
    option.selected = name === view.state.suggester;
    select.append(option);
  }
  select.addEventListener("change", () =>
    view.run(async () => {
      await view.request("suggester", { name: select.value });
      view.root.focus();
    }),
  );
  return select;
}

/**
 * A suggester's name without its version tail: `spacy:en_core_web_sm@3.8.0/suggest@1` reads
 * `spacy:en_core_web_sm`, `trained:spring@3f2a…` reads `trained:spring`.
 * @param {string} name
 */
export function shortName(name) {
  return name.split("@")[0];
}

// --- the flag form ---------------------------------------------------------------------------
/** @param {AnnotatorView} view */
export function flagForm(view) {
  const input = view.flagInput;
  const children = [
    h("span", { text: "⚑ Flag: " }),
    input,
    h("button", { cls: "an-button", text: "Flag", attrs: { type: "submit" } }),
    button("Cancel", "Esc", () => closeFlag(view)),
  ];
  const form = oneLineForm("an-flag", input, children, {
    submit: () => {
      const comment = input.value.trim() || null;
      closeFlag(view);
      view.run(() => flag(view, comment));
    },
    cancel: () => closeFlag(view),
  });
  form.hidden = true;
  return form;
}

/** @param {AnnotatorView} view */
export function openFlag(view) {
  view.flagBox.hidden = false;
  view.flagInput.value = view.state.status === "flagged" ? view.state.comment ?? "" : "";
  view.flagInput.focus({ preventScroll: true });
}

/** @param {AnnotatorView} view */
function closeFlag(view) {
  view.flagBox.hidden = true;
  view.root.focus({ preventScroll: true });
}

// --- layers and labels ------------------------------------------------------------------------
/**
 * Spans per layer: the annotator's and the open suggestions.
 * @param {AnnotatorView} view
 */
export function counts(view) {
  /** @type {Map<string, {accepted: number, suggested: number}>} */
  const counted = new Map(view.scheme.layers.map((l) => [l.name, { accepted: 0, suggested: 0 }]));
  for (const span of view.spans) {
    const entry = counted.get(span.layer);
    if (entry) entry[span.status] += 1;
  }
  return counted;
}

/** @param {AnnotatorView} view */
export function renderLayers(view) {
  const counted = counts(view);
  const tabs = view.scheme.layers.map((layer) => {
    const c = counted.get(layer.name) ?? { accepted: 0, suggested: 0 };
    const active = layer.name === view.layerName;
    const tab = button(
      `${layer.key ? `${layer.key} ` : ""}${layer.name} ${c.accepted}` +
        (c.suggested ? ` +${c.suggested}?` : ""),
      `${layer.description} (${c.accepted} yours, ${c.suggested} suggested)`,
      () => view.run(() => setLayer(view, layer.name)),
      `an-tab${active ? " an-active" : ""}`,
    );
    tab.setAttribute("aria-pressed", String(active));
    tab.dataset.layer = layer.name;
    const upper = layer.key ? layer.key.toUpperCase() : "";
    const eye = button(
      "●",
      `${layer.name}: drawn at full strength, dimmed or hidden` + (upper && upper !== layer.key ? ` (${upper})` : ""),
      () => view.run(() => cycleLayer(view, layer.name)),
      "an-eye",
    );
    eye.dataset.eye = layer.name;
    eye.setAttribute("aria-label", `Show ${layer.name}`);
    return h("span", { cls: "an-tabgroup" }, [tab, eye]);
  });
  const open = counted.get(view.layerName)?.suggested ?? 0;
  const all = button(
    `Accept all ${open} ${view.layerName} suggestions`,
    "A (Shift+a)",
    () => view.run(() => acceptAll(view)),
    "an-accept-all",
  );
  all.disabled = open === 0;
  const focus = button(
    view.focusMode === "dim" ? "◐ focus" : view.focusMode === "hidden" ? "○ focus" : "focus",
    "o: only the active layer at full strength (again: the others hidden; again: all)",
    () => view.run(() => cycleFocus(view)),
    `an-focus-toggle${view.focusMode ? " an-on" : ""}`,
  );
  const arcs = button(
    view.allArcs ? "links: all" : "links: selected",
    "r: draw every link in the text, or only the selected span's",
    () => view.run(() => toggleArcs(view)),
    `an-arcs-toggle${view.allArcs ? " an-on" : ""}`,
  );
  view.layersBar.replaceChildren(h("span", { cls: "an-hint", text: "Layer:" }), ...tabs, focus, arcs, all);
  applyLayerView(view);
}

/** `r`: every link drawn, or the selected span's only. @param {AnnotatorView} view */
export function toggleArcs(view) {
  view.allArcs = !view.allArcs;
  view.say(view.allArcs ? "Every link drawn (r: only the selected span's)." : "Only the selected span's links drawn.");
  view.dirty.chrome = true;
  view.flush();
}

/** @param {AnnotatorView} view */
export function renderLegend(view) {
  const layer = view.layer(view.layerName);
  if (!layer) return;
  const items = layer.labels.map((label, index) => {
    const key = labelKey(layer, index);
    const swatch = h("span", { cls: `an-swatch an-${layer.style}` });
    swatch.style.setProperty("--c", safeColor(label.color));
    const item = button(
      "",
      label.description || `press ${key}`,
      () => view.run(() => markOrRelabel(view, label.name, view.selectionRange())),
      "an-label",
    );
    item.dataset.label = label.name;
    item.append(h("kbd", { text: key }), swatch, document.createTextNode(label.name));
    return item;
  });
  view.legend.replaceChildren(
    ...items,
    h("span", { cls: "an-hint an-key-solid", text: "solid: yours" }),
    h("span", { cls: "an-hint an-key-dashed", text: "dashed: suggested" }),
  );
}
