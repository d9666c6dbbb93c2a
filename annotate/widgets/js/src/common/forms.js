// @ts-check
/**
 * The small forms both widgets show inside the page: a one-line field with a submit button,
 * where Enter submits and Esc cancels, as the placeholders promise.
 */
import { h } from "./dom.js";

/**
 * A form around one text field. Enter in the field submits it explicitly: the keys never leave
 * the widget (see ArticleView.onKey), and the browser's implicit submission is not relied on.
 * @param {string} cls
 * @param {HTMLInputElement} input
 * @param {(Node | string | null)[]} children the form's content, `input` among them
 * @param {{submit: () => void, cancel?: () => void}} actions `cancel` on Esc (by default
 *   Esc only leaves the field, back to the widget's keys)
 * @returns {HTMLFormElement}
 */
export function oneLineForm(cls, input, children, { submit, cancel }) {
  const form = /** @type {HTMLFormElement} */ (h("form", { cls }, children));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === "Escape" && cancel) {
      event.preventDefault();
      event.stopPropagation();
      cancel();
    }
  });
  return form;
}

/**
 * The prompt for a name, shown until the widget knows who is working.
 * @param {string} question
 * @param {(name: string) => void} submit called with the trimmed name, if there is one
 * @returns {HTMLFormElement}
 */
export function nameForm(question, submit) {
  const input = /** @type {HTMLInputElement} */ (
    h("input", { attrs: { type: "text", placeholder: "your name", "aria-label": "Your name" } })
  );
  const children = [
    h("label", { text: question }),
    input,
    h("button", { cls: "an-button", text: "Start", attrs: { type: "submit" } }),
  ];
  return oneLineForm("an-name", input, children, {
    submit: () => {
      const name = input.value.trim();
      if (name) submit(name);
    },
  });
}
