// @ts-check
/**
 * Switching who annotates. The page never does it: who works is decided by code run in the
 * notebook (a click or a stray key must not put one person's work under another's name, nor
 * let anyone write as anyone). The button next to the name asks for the new name, has Python
 * check it, and shows the one line to run in a cell, ready to copy.
 */
import { button, h } from "../common/dom.js";
import { oneLineForm } from "../common/forms.js";

/** @typedef {import("./view.js").AnnotatorView} AnnotatorView */

/** @param {AnnotatorView} view */
export function switchForm(view) {
  const input = view.switchInput;
  const answer = h("div", { cls: "an-switch-answer" });
  view.switchAnswer = answer;
  const form = oneLineForm(
    "an-switch",
    input,
    [
      h("span", { text: "Annotate as someone else: " }),
      input,
      h("button", { cls: "an-button", text: "Show how", attrs: { type: "submit" } }),
      button("Cancel", "Esc", () => closeSwitch(view)),
      answer,
    ],
    {
      submit: () => view.run(() => ask(view, input.value)),
      cancel: () => closeSwitch(view),
    },
  );
  form.hidden = true;
  return form;
}

/** @param {AnnotatorView} view */
export function openSwitch(view) {
  view.switchBox.hidden = false;
  view.switchInput.value = "";
  view.switchAnswer.replaceChildren();
  view.switchInput.focus({ preventScroll: true });
}

/** @param {AnnotatorView} view */
export function closeSwitch(view) {
  view.switchBox.hidden = true;
  view.root.focus({ preventScroll: true });
}

/** @param {AnnotatorView} view @param {string} name */
async function ask(view, name) {
  const reply = await view.request("switch_hint", { name });
  if (!reply) return;
  const call = String(reply.call);
  const code = h("code", { cls: "an-switch-call", text: call, attrs: { "data-testid": "switch-call" } });
  const copy = button("Copy", "copy the line", () => {
    navigator.clipboard?.writeText(call).then(
      () => view.say("Copied: paste it into a cell and run it."),
      () => selectText(code),
    );
    if (!navigator.clipboard) selectText(code);
  });
  view.switchAnswer.replaceChildren(
    h("p", {}, [
      `To annotate as “${reply.name}”, run this in a cell of the notebook: `,
      code,
      " ",
      copy,
    ]),
    h("p", {
      cls: "an-hint",
      text:
        `Your work as “${view.state.annotator}” stays saved. Only the notebook switches who ` +
        "works: the page never does, so no click or key can put work under another name.",
    }),
  );
}

/** @param {Node} node */
function selectText(node) {
  const range = document.createRange();
  range.selectNodeContents(node);
  window.getSelection()?.removeAllRanges();
  window.getSelection()?.addRange(range);
}
