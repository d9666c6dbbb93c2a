// @ts-check
/**
 * Building the page from text. Everything from the article or the store (text, titles,
 * reasons, attribute values) goes in through textContent, createTextNode or form values, never
 * as markup, so a hostile article is shown, not run.
 */

const COLOR = /^#[0-9a-fA-F]{3,8}$/;

export const GREY = "#9e9e9e";

/**
 * Create an element. Text goes in through textContent only.
 * @param {string} tag
 * @param {{cls?: string, text?: string, attrs?: Record<string, string>, title?: string}} [props]
 * @param {(Node | string | null)[]} [children]
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  if (props.cls) node.className = props.cls;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title) node.title = props.title;
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value);
  for (const child of children) {
    if (child !== null) node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

/**
 * @param {string} label
 * @param {string} title
 * @param {() => void} onClick
 * @param {string} [cls]
 * @returns {HTMLButtonElement}
 */
export function button(label, title, onClick, cls = "") {
  const node = /** @type {HTMLButtonElement} */ (
    h("button", { cls: `an-button ${cls}`.trim(), text: label, title, attrs: { type: "button" } })
  );
  node.addEventListener("click", onClick);
  return node;
}

/** @param {string} text @param {number} limit */
export function clip(text, limit) {
  const flat = text.replace(/\s+/g, " ");
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1)}…`;
}

/** A colour from the scheme, only if it is one (it ends up in a style). @param {string} color */
export function safeColor(color) {
  return COLOR.test(color) ? color : GREY;
}

/**
 * The keys list (`?`) both widgets show under the article.
 * @param {HTMLDetailsElement} details
 * @param {string[][]} entries [key, what it does]
 */
export function fillHelp(details, entries) {
  const items = entries.flatMap(([key, what]) => [h("dt", { text: key }), h("dd", { text: what })]);
  details.append(h("summary", { text: "Keys (?)" }), h("dl", {}, items));
}
