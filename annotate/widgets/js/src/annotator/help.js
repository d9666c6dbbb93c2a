// @ts-check
/**
 * `?`: the keys and the guidelines, over the article (where the eyes are), not under it. The
 * keys are a table whose key column never wraps; the guidelines show the project's text for
 * the active layer and the selected span's label (or every label of the layer), after the
 * introduction. Esc or `?` closes it.
 */
import { button, h } from "../common/dom.js";
import { renderMarkdown } from "../common/markdown.js";
import { helpEntries } from "./keys.js";

/** @typedef {import("./view.js").AnnotatorView} AnnotatorView */

/** @param {AnnotatorView} view */
export function toggleHelp(view) {
  view.helpOpen = !view.helpOpen;
  renderHelp(view);
}

/** @param {AnnotatorView} view */
export function renderHelp(view) {
  const box = view.helpBox;
  box.hidden = !view.helpOpen;
  if (!view.helpOpen) {
    box.replaceChildren();
    return;
  }
  const rows = helpEntries(view.scheme).map(([keys, what]) =>
    h("tr", {}, [h("th", { attrs: { scope: "row" } }, [h("kbd", { text: keys })]), h("td", { text: what })]),
  );
  const keys = h("section", { cls: "an-help-keys" }, [
    h("h4", { text: "Keys" }),
    h("table", { cls: "an-keys", attrs: { "data-testid": "keys" } }, [h("tbody", {}, rows)]),
  ]);
  box.replaceChildren(
    h("div", { cls: "an-help-head" }, [
      h("strong", { text: "Help" }),
      h("span", { cls: "an-hint", text: "? or Esc closes" }),
      button("✕", "close (? or Esc)", () => toggleHelp(view), "an-mini"),
    ]),
    h("div", { cls: "an-help-cols" }, [keys, guidelines(view)]),
  );
  box.scrollTop = 0;
}

/** @param {AnnotatorView} view */
function guidelines(view) {
  const all = view.guidelines;
  const layer = view.layerName;
  const label = view.current?.layer === layer ? view.current.label : null;
  const part = all.layers?.[layer];
  const section = h("section", { cls: "an-help-guide", attrs: { "data-testid": "guidelines" } }, [
    h("h4", { text: `Guidelines: ${layer}${label ? ` · ${label}` : ""}` }),
  ]);
  if (!all.intro && !Object.keys(all.layers ?? {}).length) {
    section.append(
      h("p", {
        cls: "an-hint",
        text:
          "This project has no guidelines attached. Whoever runs it adds them with " +
          "annotate.widgets.guidelines.set_guidelines(project, 'guidelines.md').",
      }),
    );
    return section;
  }
  if (part?.text) section.append(h("div", { cls: "an-md" }, [renderMarkdown(part.text)]));
  const labels = part?.labels ?? {};
  const shown = label ? (label in labels ? [label] : []) : Object.keys(labels);
  for (const name of shown) {
    section.append(
      h("div", { cls: "an-md an-md-label", attrs: { "data-label": name } }, [
        h("h5", { text: name }),
        renderMarkdown(labels[name]),
      ]),
    );
  }
  if (label && !(label in labels)) {
    section.append(h("p", { cls: "an-hint", text: `Nothing about ${label} in the guidelines.` }));
  }
  if (!part) section.append(h("p", { cls: "an-hint", text: `Nothing about the ${layer} layer.` }));
  if (all.intro) {
    const intro = /** @type {HTMLDetailsElement} */ (h("details", { cls: "an-md an-md-intro" }, [
      h("summary", { text: "Introduction" }),
      renderMarkdown(all.intro),
    ]));
    section.append(intro);
  }
  return section;
}
