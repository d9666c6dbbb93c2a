// @ts-check
/**
 * What the annotator's and the reviewer's views do alike: the page's skeleton, commands run in
 * turn, redraws of only what changed, the article drawn from text and spans, a selection mapped
 * back to code-point offsets, keys taken from JupyterLab and dispatched, and the person told
 * what happened. Each widget's view extends ArticleView with what is its own.
 *
 * A view decides nothing: Python checks each message, writes it to the store and sends back the
 * views to draw, so the page always shows what was saved.
 */
import { Channel } from "./channel.js";
import { GREY, button, h, safeColor } from "./dom.js";
import { Notices } from "./notices.js";
import { Marks, drawSegments } from "./segments.js";
import { Offsets, Tokens } from "./text.js";

/** @typedef {import("./types.js").Doc} Doc */
/** @typedef {import("./types.js").Drawn} Drawn */
/** @typedef {import("./types.js").Extent} Extent */
/** @typedef {import("./types.js").Key} Key */
/** @typedef {import("./types.js").Layer} Layer */
/** @typedef {import("./types.js").Model} Model */
/** @typedef {import("./types.js").Reply} Reply */
/** @typedef {import("./types.js").Scheme} Scheme */
/** @typedef {import("./channel.js").RequestOptions} RequestOptions */
/** @typedef {{text: boolean, chrome: boolean}} Dirty */

/**
 * A label's key: the scheme's, else its position (1–9, then 0).
 * @param {Layer} layer @param {number} index
 */
export function labelKey(layer, index) {
  return layer.labels[index].key || String((index + 1) % 10);
}

export class ArticleView {
  /**
   * @param {Model} model
   * @param {HTMLElement} el
   * @param {{testid: string, label: string, cls: string}} root the root's test id, accessible
   *   name and classes
   */
  constructor(model, el, { testid, label, cls }) {
    this.model = model;
    this.el = el;
    /** Commands run one after another, see run(). @type {Promise<void>} */
    this.chain = Promise.resolve();
    /** What Python changed since the last redraw: the article's text and spans, or the rest. */
    this.dirty = { text: true, chrome: true };
    this.scheduled = false;
    /** @type {(() => void)[]} */
    this.cleanups = [];
    this.offsets = new Offsets("");
    this.tokens = new Tokens([]);
    /** The elements each drawn span is made of. @type {Map<string, HTMLElement[]>} */
    this.fragments = new Map();
    this.marks = new Marks();
    /** @type {HTMLSelectElement | null} */
    this.jump = null;
    /** @type {HTMLElement | null} */
    this.saveEl = null;
    this.notices = new Notices(
      () => this.renderSaveState(),
      (box) => this.announce(box),
    );
    this.channel = new Channel(
      model,
      this.notices,
      (command) => this.run(command),
      () => this.renderSaveState(),
    );
    this.root = h("div", {
      cls,
      attrs: {
        "data-testid": testid,
        tabindex: "0",
        // JupyterLab handles its shortcuts before the widget sees a key; this attribute makes
        // it leave keys pressed inside the widget alone (no new cells on a, b, m).
        "data-lm-suppress-shortcuts": "true",
        role: "application",
        "aria-label": label,
      },
    });
    this.bar = h("div", { cls: "an-bar" });
    this.titleEl = h("h3", { cls: "an-title" });
    this.metaEl = h("div", { cls: "an-meta" });
    this.textEl = h("div", { cls: "an-text" });
    /** The element the article scrolls in: the text itself, unless a widget wraps it. */
    this.scrollEl = this.textEl;
    this.help = /** @type {HTMLDetailsElement} */ (h("details", { cls: "an-help" }));
    this.work = h("div", { cls: "an-work" });
  }

  // --- model access ---------------------------------------------------------------------------
  /** @returns {Scheme} */
  get scheme() {
    return this.model.get("_scheme");
  }
  /** @returns {Doc} */
  get doc() {
    return this.model.get("_doc");
  }
  /** @param {string} name @returns {Layer | undefined} */
  layer(name) {
    return this.scheme.layers.find((l) => l.name === name);
  }
  /** @param {string} layerName @param {string} labelName */
  color(layerName, labelName) {
    const label = this.layer(layerName)?.labels.find((l) => l.name === labelName);
    return safeColor(label?.color ?? GREY);
  }
  /** The article's text from `start` to `end` (code points). @param {number} start @param {number} end */
  slice(start, end) {
    return this.doc.text.slice(this.offsets.toU16(start), this.offsets.toU16(end));
  }

  // --- what each widget defines ---------------------------------------------------------------
  /** Redraw what `dirty` says changed, and what always follows the state. @param {Dirty} dirty */
  draw(dirty) {}
  /** Whether a key is the widget's. @param {KeyboardEvent} event @returns {boolean} */
  owns(event) {
    return false;
  }
  /**
   * What a key does, decided when its turn comes.
   * @param {Key} key @param {Extent} range the text selection when the key was pressed
   * @returns {unknown}
   */
  command(key, range) {
    return undefined;
  }
  /**
   * Whether a key pressed on a control inside the widget does what it does in any form (Tab
   * moves, Enter and Space press) instead of being the widget's key.
   * @param {KeyboardEvent} event
   * @returns {boolean}
   */
  native(event) {
    return false;
  }
  /**
   * Act on a key at once instead of in its turn: keys that open a field to type in (what is
   * typed next must land in it, even while earlier commands wait for their replies).
   * @param {KeyboardEvent} event
   * @returns {boolean} whether the key was handled
   */
  immediate(event) {
    return false;
  }
  /** @param {MouseEvent} event */
  onClick(event) {}
  onMouseUp() {}
  /** An error or notice appeared in `box`: a widget may bring it into view. @param {HTMLElement} box */
  announce(box) {}
  /** Any input: the annotator counts time worked from it. */
  touch() {}
  /** Before the page leaves the document (the annotator sends the time worked on it). */
  leaving() {}

  // --- the skeleton and the listeners ----------------------------------------------------------
  /** The article: title, metadata line and text. */
  article() {
    return h("article", { cls: "an-article" }, [this.titleEl, this.metaEl, this.textEl]);
  }

  /**
   * Put the page into the notebook's output: messages on top (or in `messages`, where the
   * widget's work is), then the name prompt (shown until someone is known) and the work area.
   * @param {HTMLElement} nameBox
   * @param {HTMLElement | null} [messages]
   */
  mount(nameBox, messages = null) {
    if (messages) {
      messages.append(this.notices.errorBox, this.notices.noticeBox);
      this.root.append(nameBox, this.work);
    } else {
      this.root.append(this.notices.errorBox, this.notices.noticeBox, nameBox, this.work);
    }
    this.el.append(this.root);
  }

  /**
   * Listen to the model, the channel and the page; every listener is registered with its
   * cleanup, which destroy() runs.
   * @param {string[]} textTraits traits whose change redraws the article
   * @param {string[]} chromeTraits traits whose change redraws the rest
   * @param {[EventTarget, string, (event: any) => void][]} [more] the widget's own DOM listeners
   */
  listen(textTraits, chromeTraits, more = []) {
    const model = this.model;
    const onText = () => this.markDirty("text");
    const onChrome = () => this.markDirty("chrome");
    for (const name of textTraits) model.on(`change:${name}`, onText);
    for (const name of chromeTraits) model.on(`change:${name}`, onChrome);
    this.cleanups.push(() => {
      for (const name of textTraits) model.off(`change:${name}`, onText);
      for (const name of chromeTraits) model.off(`change:${name}`, onChrome);
    });
    this.cleanups.push(this.channel.listen());
    /** @type {[EventTarget, string, (event: any) => void][]} */
    const handlers = [
      [this.root, "keydown", (event) => this.onKey(event)],
      [this.textEl, "click", (event) => this.onClick(event)],
      [this.textEl, "mouseup", () => this.onMouseUp()],
      [this.root, "annotator:ping", () => this.ping()],
      ...more,
    ];
    for (const [target, type, handler] of handlers) {
      target.addEventListener(type, handler);
      this.cleanups.push(() => target.removeEventListener(type, handler));
    }
  }

  destroy() {
    for (const cleanup of this.cleanups.splice(0).reverse()) cleanup();
    this.channel.close();
    this.root.remove();
  }

  // --- commands and redraws --------------------------------------------------------------------
  /**
   * Run a command after the one before it has its reply (and the page its redraw), so quick
   * typing never acts on a page that has not caught up with the store.
   * @param {() => unknown} command
   */
  run(command) {
    this.chain = this.chain
      .then(() => {
        this.catchUp();
        return command();
      })
      .then(() => undefined)
      .catch((error) => this.showError(`The widget failed: ${error}. Re-run the cell.`));
  }

  /**
   * Send one message to Python and wait for its reply (null after a refusal, which is shown).
   * @param {string} kind @param {Record<string, any>} [fields] @param {RequestOptions} [options]
   */
  request(kind, fields = {}, options = {}) {
    return this.channel.request(kind, fields, options);
  }

  /** @param {"text" | "chrome"} part */
  markDirty(part) {
    this.dirty[part] = true;
    if (this.scheduled) return;
    this.scheduled = true;
    // One redraw for all the traits one Python update changed (they arrive together).
    queueMicrotask(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Draw what Python sent but the page has not drawn yet, before acting on it. */
  catchUp() {
    if (this.dirty.text || this.dirty.chrome) this.flush();
  }

  flush() {
    const hadFocus = this.root.contains(document.activeElement);
    const dirty = this.dirty;
    this.dirty = { text: false, chrome: false };
    this.draw(dirty);
    this.renderSaveState();
    // A redraw can remove the focused button; keys must keep reaching the widget, not the
    // notebook around it.
    if (hadFocus && !this.root.contains(document.activeElement)) {
      this.root.focus({ preventScroll: true });
    }
  }

  /** Whether the person is typing in a form field inside `region`: it is not redrawn under them. @param {HTMLElement} region */
  typingIn(region) {
    const focused = document.activeElement;
    return Boolean(
      focused?.matches('input[type="text"], textarea, select') && region.contains(focused),
    );
  }

  /**
   * A round trip to Python that changes nothing, queued after every command before it: when
   * `annotator:pong` comes, every key and click before the `annotator:ping` has been acted on
   * and answered. The benchmark measures the channel's latency with it; the browser tests wait
   * for it before asserting that nothing happened.
   */
  ping() {
    this.run(async () => {
      const began = performance.now();
      await this.request("ping", {}, { background: true });
      const detail = { ms: performance.now() - began };
      this.root.dispatchEvent(new CustomEvent("annotator:pong", { detail }));
    });
  }

  // --- drawing ---------------------------------------------------------------------------------
  /**
   * Draw the open article with `spans`, keeping the scroll position unless it is another
   * article than the one drawn before (which is returned).
   * @template {Drawn} S
   * @template {{start: number, end: number}} M
   * @param {S[]} spans
   * @param {(span: S, a: number, b: number) => HTMLElement} drawSpan
   * @param {import("./segments.js").Overlay<M> | null} [overlay]
   */
  drawArticle(spans, drawSpan, overlay = null) {
    const doc = this.doc;
    const another = this.root.dataset.docId !== doc.doc_id;
    this.root.dataset.docId = doc.doc_id;
    // An untitled article is named by its first words, marked as such.
    this.titleEl.textContent = doc.title || doc.lede || "(no title)";
    this.titleEl.classList.toggle("an-untitled", !doc.title);
    this.titleEl.title = doc.title ? "" : "no title: the article's first words";
    this.metaEl.textContent = [doc.published, doc.source, doc.byline].filter(Boolean).join(" · ");
    this.offsets = new Offsets(doc.text);
    this.tokens = new Tokens(doc.tokens);
    const scroll = another ? 0 : this.scrollEl.scrollTop;
    const layers = this.scheme.layers;
    const drawn = drawSegments({ text: doc.text, spans, layers, offsets: this.offsets, drawSpan, overlay });
    this.fragments = drawn.pieces;
    this.textEl.replaceChildren(drawn.fragment);
    this.scrollEl.scrollTop = scroll;
    this.root.dataset.renderedSpans = String(spans.length);
    return another;
  }

  /**
   * ◀ n / N ▶ and the list to jump to a document (g).
   * @template {{doc_id: string}} E
   * @param {E[]} entries
   * @param {(entry: E, index: number) => string} label
   */
  navigation(entries, label) {
    const doc = this.doc;
    const jump = /** @type {HTMLSelectElement} */ (
      h("select", { cls: "an-jump", attrs: { "aria-label": "Jump to document", title: "g" } })
    );
    entries.forEach((entry, index) => {
      const option = /** @type {HTMLOptionElement} */ (
        h("option", { text: label(entry, index), attrs: { value: entry.doc_id } })
      );
      option.selected = entry.doc_id === doc.doc_id;
      jump.append(option);
    });
    jump.addEventListener("change", () => this.run(() => this.go(jump.value)));
    this.jump = jump;
    return h("div", { cls: "an-nav" }, [
      button("◀", "previous document (p)", () => this.run(() => this.go("previous"))),
      h("span", { cls: "an-pos", text: `${doc.index + 1} / ${doc.count}` }),
      button("▶", "next document (n)", () => this.run(() => this.go("next"))),
      jump,
    ]);
  }

  /** The save indicator, for the toolbar. */
  saveIndicator() {
    this.saveEl = h("span", { cls: "an-save", attrs: { "data-testid": "save-state" } });
    return this.saveEl;
  }

  renderSaveState() {
    if (!this.saveEl) return;
    const state = this.notices.error ? "error" : this.channel.saving ? "saving" : "saved";
    this.saveEl.textContent = { error: "not saved", saving: "saving…", saved: "saved" }[state];
    this.saveEl.dataset.state = state;
  }

  // --- input -----------------------------------------------------------------------------------
  /**
   * Every key pressed inside the widget stays inside it: JupyterLab listens on the document,
   * after the widget, and would otherwise act on it too (data-lm-suppress-shortcuts on the root
   * turns its shortcuts off; this keeps the rest of its listeners off). A key the widget owns is
   * also taken from the browser at once, even though its command waits its turn.
   * @param {KeyboardEvent} event
   */
  onKey(event) {
    event.stopPropagation();
    this.touch();
    const target = /** @type {HTMLElement} */ (event.target);
    if (target !== this.root && (target.matches("input, textarea, select") || this.native(event))) {
      if (event.key === "Escape") {
        event.preventDefault();
        this.root.focus({ preventScroll: true });
      }
      return; // typing in a form field, or moving between a form's controls
    }
    if (!this.owns(event)) return;
    event.preventDefault();
    if (this.immediate(event)) return;
    /** @type {Key} */
    const key = { key: event.key, shift: event.shiftKey, alt: event.altKey, ctrl: event.ctrlKey || event.metaKey };
    // Taken now: a redraw before the command runs would clear the page's text selection.
    const range = this.selectionRange();
    this.run(() => this.command(key, range));
  }

  /**
   * The text selection inside the article as code-point offsets, snapped to words.
   * @returns {Extent}
   */
  selectionRange() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed || !this.doc) return null;
    const range = selection.getRangeAt(0);
    const start = this.pointOffset(range.startContainer, range.startOffset);
    const end = this.pointOffset(range.endContainer, range.endOffset);
    if (start === null || end === null) return null;
    return this.tokens.snap(Math.min(start, end), Math.max(start, end));
  }

  /**
   * Code-point offset of a DOM point; points outside the article clamp to its ends.
   * @param {Node} node
   * @param {number} offset
   * @returns {number | null}
   */
  pointOffset(node, offset) {
    if (!this.textEl.contains(node)) {
      const where = this.textEl.compareDocumentPosition(node);
      if (where & Node.DOCUMENT_POSITION_PRECEDING) return 0;
      if (where & Node.DOCUMENT_POSITION_FOLLOWING) return this.offsets.toCp(this.doc.text.length);
      return null;
    }
    // The article's text nodes concatenate to exactly the document text (edges and brackets
    // are drawn by CSS, not text), so the text before the point gives its offset.
    const before = document.createRange();
    before.setStart(this.textEl, 0);
    before.setEnd(node, offset);
    return this.offsets.toCp(before.toString().length);
  }

  /**
   * Span ids under an element, innermost first.
   * @param {Element | null} target
   * @returns {string[]}
   */
  spansAt(target) {
    /** @type {string[]} */
    const ids = [];
    for (let node = target; node && node !== this.textEl; node = node.parentElement) {
      const id = node.getAttribute("data-span-id");
      if (id) ids.push(id);
    }
    return ids;
  }

  // --- actions both widgets have ---------------------------------------------------------------
  /** @param {string} to "next", "previous" or a document id */
  async go(to) {
    this.leaving();
    const reply = await this.request("goto", { to });
    const ends = { next: "This is the last document.", previous: "This is the first document." };
    this.say(reply && !reply.moved ? ends[/** @type {keyof ends} */ (to)] ?? null : null);
    // Back from the jump list (which was not redrawn while it had focus) to the keys, unless
    // the person is already typing in another field of the widget.
    if (!this.typingIn(this.root)) this.root.focus({ preventScroll: true });
    this.markDirty("chrome");
  }

  // --- telling the person ----------------------------------------------------------------------
  /** @param {string} text @param {() => void} [retry] */
  showError(text, retry) {
    this.notices.showError(text, retry);
  }
  clearError() {
    this.notices.clearError();
  }
  /** @param {string | null} text */
  say(text) {
    this.notices.say(text);
  }
}
