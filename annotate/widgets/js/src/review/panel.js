// @ts-check
/**
 * The side panel: the selected disagreement with every annotator's version side by side, the
 * reviewer's edit in progress, a selected agreement with its links, or the list of units.
 */
import { button, clip, h } from "../common/dom.js";
import { labelKey } from "../common/view.js";
import { cancelDraft, pick, reject, saveDraft, select, setDraftLabel, startEdit } from "./actions.js";

/** @typedef {import("./view.js").ReviewView} ReviewView */
/** @typedef {import("./types.js").Span} Span */
/** @typedef {import("./types.js").Unit} Unit */
/** @typedef {import("./types.js").Draft} Draft */
/** @typedef {import("../common/types.js").Layer} Layer */

/** @type {Record<string, string>} */
const STATE_TEXT = { open: "open", picked: "picked", edited: "edited", rejected: "rejected" };

/**
 * Why a unit is a disagreement, as `adjudicate.Unit.reason` names it, in words.
 * @param {string} reason
 */
function reasonText(reason) {
  /** @type {Record<string, string>} */
  const words = { missing: "whether it is there", label: "the label", boundaries: "the extent", attributes: "the attributes" };
  return reason.split("+").map((part) => words[part] ?? part).join(" and ");
}

/** @param {Record<string, any>} attrs */
function attrText(attrs) {
  return Object.entries(attrs)
    .map(([name, value]) => `${name}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(", ");
}

/** @param {ReviewView} view */
export function renderPanel(view) {
  if (!view.state || !view.doc) return;
  const unit = view.unit;
  const span = view.spanId ? view.spanById.get(view.spanId) : undefined;
  if (unit && view.draft) view.panel.replaceChildren(...panelDraft(view, unit, view.draft));
  else if (unit) view.panel.replaceChildren(...panelUnit(view, unit));
  else if (span) view.panel.replaceChildren(...panelSpan(view, span));
  else view.panel.replaceChildren(...panelOverview(view));
}

/**
 * Every annotator's version of the unit, one row each: the choice side by side.
 * @param {ReviewView} view @param {Unit} unit
 */
function panelUnit(view, unit) {
  const state = unit.state;
  const decided = state !== "open";
  const decision = decided
    ? `${STATE_TEXT[state] ?? state}${unit.chosen ? ` (${unit.chosen})` : ""} by ${unit.by ?? "?"}`
    : "open: pick a version, edit or reject";
  const rows = view.state.annotators.map((person) => {
    const mine = unit.versions.filter((v) => v.annotators.includes(person.name));
    const chosen = decided && unit.chosen === person.name;
    const row = h("div", {
      cls: `rv-version${chosen ? " rv-chosen" : ""}`,
      attrs: { "data-testid": "version", "data-annotator": person.name },
    });
    row.append(
      button(
        `${person.key}`,
        `take ${person.name}'s version (${person.key})`,
        () => view.run(() => pick(view, person.key)),
        "an-mini rv-pick",
      ),
      h("strong", { text: ` ${person.name} ` }),
    );
    if (!mine.length) row.append(h("em", { cls: "an-hint", text: "marked nothing here" }));
    for (const version of mine) {
      const focused = unit.versions.indexOf(version) === view.focus && !decided;
      const swatch = h("span", { cls: "an-chip rv-label", text: version.label });
      swatch.style.setProperty("--c", view.color(unit.layer, version.label));
      const item = h("span", { cls: `rv-choice${focused ? " rv-focused" : ""}` }, [
        swatch,
        h("span", { cls: "rv-choice-text", text: ` “${clip(version.text, 80)}”` }),
      ]);
      const attrs = attrText(version.attrs);
      if (attrs) item.append(h("span", { cls: "an-hint", text: ` ${attrs}` }));
      row.append(item);
    }
    return row;
  });
  return [
    h("div", { cls: "an-panel-head" }, [
      h("span", { cls: "an-chip", text: unit.layer }),
      h("span", { cls: "an-hint", text: ` the annotators differ on ${reasonText(unit.reason)}` }),
    ]),
    h("div", {
      cls: `rv-state rv-state-${state}`,
      text: decision,
      attrs: { "data-testid": "unit-state" },
    }),
    h("blockquote", { cls: "an-quote", text: clip(unit.text, 300) }),
    h("div", { cls: "rv-versions" }, rows),
    h("div", { cls: "an-row" }, [
      button("Reject", "nothing of this unit goes into gold (x)", () => view.run(() => reject(view)), "an-danger"),
      button("Edit…", "write your own span (e)", () => view.run(() => startEdit(view, null))),
    ]),
    h("p", { cls: "an-hint", text: "Number: take that version · e edit · x reject · Tab next · u undo" }),
  ];
}

/** @param {ReviewView} view @param {Unit} unit @param {Draft} draft */
function panelDraft(view, unit, draft) {
  const layer = view.layer(unit.layer);
  const labels = (layer?.labels ?? []).map((label, index) =>
    button(
      `${labelKey(/** @type {Layer} */ (layer), index)} ${label.name}`,
      "use this label",
      () => view.run(() => setDraftLabel(view, label.name)),
      label.name === draft.label ? "an-on" : "",
    ),
  );
  return [
    h("div", { cls: "an-panel-head" }, [
      h("span", { cls: "an-chip", text: unit.layer }),
      h("strong", { text: " Your edit" }),
    ]),
    h("blockquote", { cls: "an-quote", attrs: { "data-testid": "draft" }, text: clip(view.slice(draft.start, draft.end), 300) }),
    h("div", { cls: "an-row an-labels" }, [h("span", { cls: "an-hint", text: "Label:" }), ...labels]),
    h("div", { cls: "an-row" }, [
      button("Save", "Enter", () => view.run(() => saveDraft(view)), "an-primary"),
      button("Cancel", "Esc", () => view.run(() => cancelDraft(view))),
    ]),
    h("p", { cls: "an-hint", text: "Shift+←/→ moves the end, Alt+←/→ the start; or select the text with the mouse." }),
  ];
}

/**
 * An agreement (or a gold span no open unit explains), with its gold links.
 * @param {ReviewView} view @param {Span} span
 */
function panelSpan(view, span) {
  const how =
    span.status === "agreed"
      ? `agreed by ${span.annotators.join(", ")}, accepted automatically`
      : `${span.decision ?? "in gold"}${span.chosen ? ` (${span.chosen})` : ""} by ${span.by ?? "?"}`;
  const links = view.relations
    .filter((r) => r.head === span.id || r.tail === span.id)
    .map((r) => {
      const other = view.spanById.get(r.head === span.id ? r.tail : r.head);
      const arrow = r.head === span.id ? `${r.type} →` : `← ${r.type}`;
      return h("li", { text: `${arrow} “${clip(other?.text ?? "?", 40)}”` });
    });
  const attrs = attrText(span.attrs);
  return [
    h("div", { cls: "an-panel-head" }, [
      h("span", { cls: "an-chip", text: span.layer }),
      h("strong", { text: ` ${span.label} ` }),
      h("span", { cls: "an-hint", text: how }),
    ]),
    h("blockquote", { cls: "an-quote", text: clip(span.text, 300) }),
    attrs ? h("p", { cls: "an-hint", text: attrs }) : null,
    links.length ? h("ul", { cls: "an-counts rv-links" }, links) : null,
  ].filter((node) => node !== null);
}

/** @param {ReviewView} view */
function panelOverview(view) {
  const agreed = view.spans.filter((s) => s.status === "agreed").length;
  const items = view.units.map((unit) => {
    const item = h("li", { cls: `rv-unit rv-state-${unit.state}` }, [
      h("span", { cls: "an-chip", text: unit.layer }),
      ` “${clip(unit.text, 36)}” `,
      h("span", { cls: "an-hint", text: STATE_TEXT[unit.state] ?? unit.state }),
    ]);
    item.addEventListener("click", () => view.run(() => select(view, unit.unit_id)));
    return item;
  });
  return [
    h("p", { cls: "an-hint", text: `${agreed} agreement(s) are in gold already. Tab goes to the first open disagreement.` }),
    items.length ? h("ul", { cls: "rv-units" }, items) : h("p", { text: "No disagreements here." }),
  ];
}
