// @ts-check
/**
 * What the page tells the person: an error (a refusal from Python, a failure, no answer) in a
 * box that stays until dismissed, Esc, or the next action that succeeds; and a one-line notice
 * that the next notice replaces.
 */
import { button, h } from "./dom.js";

export class Notices {
  /**
   * @param {() => void} changed called when an error appears or goes (the save indicator follows)
   * @param {(box: HTMLElement) => void} [shown] called when an error or a notice appears, so
   *   the widget can bring it into view
   */
  constructor(changed, shown = () => {}) {
    this.changed = changed;
    this.shown = shown;
    /** The error shown, if any. @type {string | null} */
    this.error = null;
    this.errorBox = h("div", { cls: "an-error", attrs: { role: "alert", hidden: "" } });
    this.noticeBox = h("div", { cls: "an-notice", attrs: { "aria-live": "polite" } });
  }

  /**
   * @param {string} text
   * @param {() => void} [retry] offered as a button when the action can simply be sent again
   */
  showError(text, retry) {
    this.error = text;
    const again = retry
      ? [button("Retry", "send the same action again", () => (this.clearError(), retry()), "an-mini")]
      : [];
    this.errorBox.replaceChildren(
      h("span", { cls: "an-error-text", text }),
      ...again,
      button("✕", "dismiss (Esc)", () => this.clearError(), "an-mini"),
    );
    this.errorBox.hidden = false;
    this.changed();
    this.shown(this.errorBox);
  }

  clearError() {
    this.error = null;
    this.errorBox.hidden = true;
    this.errorBox.replaceChildren();
    this.changed();
  }

  /** @param {string | null} text */
  say(text) {
    this.noticeBox.textContent = text ?? "";
    if (text) this.shown(this.noticeBox);
  }
}
