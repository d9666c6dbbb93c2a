// @ts-check
/**
 * The side panel: the selected span (why it was suggested, accept or reject, its label, its
 * attributes and links), or, with nothing selected, how many spans each layer has.
 */
import { button, clip, h } from "../common/dom.js";
import { labelKey } from "../common/view.js";
import { accept, relabel, remove, select, setAttrs } from "./actions.js";
import { startLink, unlink } from "./links.js";
import { counts } from "./toolbar.js";

/** @typedef {import("./view.js").AnnotatorView} AnnotatorView */
/** @typedef {import("./types.js").Span} Span */

/**
 * `i`: the keys go to the selected span's attributes, in their turn like every key: Tab and
 * Shift+Tab move between them, Enter or Space sets the one in focus (a text attribute takes
 * the typing, Enter saves it), Esc or any other key goes back to the article.
 * @param {AnnotatorView} view
 */
export function editAttributes(view) {
  if (!attributeControls(view).length) {
    view.say(`A ${view.current?.layer ?? ""} span has no attributes.`);
    return;
  }
  view.attrFocus = 0;
  markAttribute(view);
  view.say("Attributes: Tab moves, Enter or Space sets, Esc goes back to the article.");
}

/** @param {AnnotatorView} view @returns {HTMLElement[]} */
function attributeControls(view) {
  return /** @type {HTMLElement[]} */ ([...view.panel.querySelectorAll(".an-attrs [data-focus-key]")]);
}

/** @param {AnnotatorView} view */
function markAttribute(view) {
  const controls = attributeControls(view);
  controls.forEach((control, i) => control.classList.toggle("an-kfocus", i === view.attrFocus));
  view.root.dataset.attrFocus = controls[view.attrFocus ?? -1]?.dataset.focusKey ?? "";
}

/**
 * A key while the attributes have the keys; false when it is not theirs (which ends it).
 * @param {AnnotatorView} view @param {import("../common/types.js").Key} k
 */
export function attributeKey(view, k) {
  const controls = attributeControls(view);
  if (view.attrFocus === null || !controls.length || !view.current) {
    view.attrFocus = null;
    return false;
  }
  if (k.key === "Tab") {
    const step = k.shift ? -1 : 1;
    view.attrFocus = (view.attrFocus + step + controls.length) % controls.length;
    markAttribute(view);
    return true;
  }
  if (k.key === "Enter" || k.key === " ") {
    const control = controls[view.attrFocus];
    if (control instanceof HTMLInputElement && control.type === "text") {
      control.focus({ preventScroll: true }); // typing; Enter saves and comes back
    } else {
      control.click();
    }
    return true;
  }
  view.attrFocus = null;
  markAttribute(view);
  return k.key === "Escape";
}

/** @param {AnnotatorView} view */
export function renderPanel(view) {
  // A redraw must not take the keys away from the attribute being set with them.
  const focused = /** @type {HTMLElement | null} */ (document.activeElement);
  const focusKey = focused && view.panel.contains(focused) ? focused.dataset.focusKey : undefined;
  drawPanel(view);
  if (view.attrFocus !== null) markAttribute(view);
  if (focusKey) {
    const again = /** @type {HTMLElement | null} */ (
      view.panel.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)
    );
    again?.focus({ preventScroll: true });
  }
}

/** @param {AnnotatorView} view */
function drawPanel(view) {
  const span = view.current;
  if (!span) {
    view.panel.replaceChildren(...overview(view));
    return;
  }
  const layer = view.layer(span.layer);
  const suggested = span.status === "suggested";
  /** @type {(HTMLElement | null)[]} */
  const parts = [
    h("div", { cls: "an-panel-head" }, [
      h("span", { cls: "an-chip", text: span.layer }),
      h("strong", { text: ` ${span.label} ` }),
      h("span", {
        cls: `an-state an-state-${span.status}`,
        text: suggested ? "suggestion" : `yours (${span.origin})`,
      }),
    ]),
    h("blockquote", { cls: "an-quote", text: clip(span.text, 300) }),
  ];
  if (suggested) {
    const confidence = span.confidence !== null ? ` (confidence ${span.confidence.toFixed(2)})` : "";
    parts.push(
      h("p", { cls: "an-reason", attrs: { "data-testid": "reason" } }, [
        h("strong", { text: "Why: " }),
        `${span.reason ?? "no reason given"}${confidence}`,
      ]),
      h("div", { cls: "an-row" }, [
        button("Accept", "Enter or a", () => view.run(() => accept(view, span.id)), "an-primary"),
        button("Reject", "x", () => view.run(() => remove(view, span.id))),
      ]),
    );
  }
  if (layer) {
    const labels = layer.labels.map((label, index) =>
      button(
        `${labelKey(layer, index)} ${label.name}`,
        suggested ? "accept with this label" : "change the label",
        () => view.run(() => relabel(view, span.id, label.name)),
        label.name === span.label ? "an-on" : "",
      ),
    );
    parts.push(h("div", { cls: "an-row an-labels" }, [h("span", { cls: "an-hint", text: "Label:" }), ...labels]));
  }
  parts.push(attributeForm(view, span), relationList(view, span));
  if (!suggested) {
    parts.push(
      h("div", { cls: "an-row" }, [
        button("Delete", "x or Delete", () => view.run(() => remove(view, span.id)), "an-danger"),
        h("span", { cls: "an-hint", text: "Resize: Shift+←/→ end, Alt+←/→ start, or select text + b" }),
      ]),
    );
  }
  view.panel.replaceChildren(...parts.filter((p) => p !== null));
}

/** @param {AnnotatorView} view */
function overview(view) {
  const counted = counts(view);
  const lines = view.scheme.layers.map((layer) => {
    const c = counted.get(layer.name) ?? { accepted: 0, suggested: 0 };
    return h("li", { text: `${layer.name}: ${c.accepted} yours, ${c.suggested} suggested` });
  });
  const from = view.state?.suggester
    ? `Suggestions from ${view.state.suggester}.`
    : "No suggestions in this project yet.";
  return [
    h("p", { cls: "an-hint", text: "Select text and press a label's key, or click a span (or Tab) to see and change it." }),
    h("ul", { cls: "an-counts" }, lines),
    h("p", { cls: "an-hint", text: from }),
  ];
}

/** @param {AnnotatorView} view @param {Span} span */
function attributeForm(view, span) {
  const attributes = view.scheme.attributes.filter((a) => a.layer === span.layer || a.layer === "*");
  if (!attributes.length) return null;
  const form = h("div", { cls: "an-attrs" }, [h("div", { cls: "an-hint", text: "Attributes" })]);
  /** @param {string} name @param {any} value */
  const save = (name, value) => view.run(() => setAttrs(view, span.id, { [name]: value }));
  for (const attribute of attributes) {
    const value = span.attrs[attribute.name];
    const row = h("div", { cls: "an-attr", attrs: { "data-attr": attribute.name } }, [
      h("span", { cls: "an-attr-name", text: attribute.name }),
    ]);
    if (attribute.type === "choice") {
      for (const choice of attribute.values) {
        const on = value === choice;
        const choose = button(
          choice,
          on ? "click again to unset" : `${attribute.name} = ${choice}`,
          () => save(attribute.name, on ? null : choice),
          on ? "an-on" : "",
        );
        choose.dataset.focusKey = `${attribute.name}=${choice}`;
        choose.setAttribute("aria-pressed", String(on));
        row.append(choose);
      }
    } else if (attribute.type === "bool") {
      const box = /** @type {HTMLInputElement} */ (
        h("input", { attrs: { type: "checkbox", "aria-label": attribute.name } })
      );
      box.checked = value === true;
      box.dataset.focusKey = attribute.name;
      box.addEventListener("change", () => save(attribute.name, box.checked));
      box.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          box.click(); // Enter sets a box as Space does, as for the other attributes
        }
      });
      row.append(box);
    } else {
      const input = /** @type {HTMLInputElement} */ (
        h("input", { attrs: { type: "text", "aria-label": attribute.name, placeholder: "Enter saves" } })
      );
      const before = typeof value === "string" ? value : "";
      input.value = before;
      input.dataset.focusKey = attribute.name;
      input.addEventListener("change", () => {
        const text = input.value.trim();
        if (text !== before) save(attribute.name, text || null);
      });
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          view.root.focus({ preventScroll: true }); // blurs the field, which saves it
        }
      });
      row.append(input);
    }
    form.append(row);
  }
  return form;
}

/** @param {AnnotatorView} view @param {Span} span */
function relationList(view, span) {
  const types = view.scheme.relations.filter((r) => r.head === span.layer || r.tail === span.layer);
  if (!types.length) return null;
  const list = h("div", { cls: "an-relations" }, [h("div", { cls: "an-hint", text: "Links" })]);
  for (const type of types) {
    const outgoing = type.head === span.layer;
    const row = h("div", { cls: "an-relation", attrs: { "data-type": type.name } }, [
      h("span", {
        cls: "an-attr-name",
        text: outgoing ? `${type.name} →` : `← ${type.name}`,
        title: type.description,
      }),
    ]);
    for (const relation of view.relations) {
      if (relation.type !== type.name || (outgoing ? relation.head : relation.tail) !== span.id) {
        continue;
      }
      const otherId = outgoing ? relation.tail : relation.head;
      const other = view.spanById.get(otherId);
      const suggested = relation.status === "suggested";
      const chip = button(
        other ? clip(other.text, 30) : "?",
        suggested ? "suggested link: accept both spans to keep it" : "select it",
        () => view.run(() => select(view, otherId)),
        `an-link an-link-${relation.status}`,
      );
      chip.dataset.relationId = relation.id;
      row.append(chip);
      if (!suggested) {
        row.append(
          button("✕", "remove the link", () => view.run(() => unlink(view, relation.id)), "an-mini"),
        );
      }
    }
    if (span.status === "accepted") {
      const what = outgoing ? type.tail : type.head;
      row.append(
        button(
          "link…",
          `pick the ${what} (t, then Tab or click, and Enter)`,
          () => view.run(() => startLink(view, span.id, type.name)),
          "an-mini",
        ),
      );
    }
    list.append(row);
  }
  return list;
}
