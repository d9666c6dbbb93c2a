// @ts-check
/**
 * The one message channel between a view and its Python half. Every request is
 * `{kind, id, ...fields}`; Python answers with the same `id`, and a refusal or failure with
 * `{kind, id, error, code}`. Here that answer is shown to the person (with Retry when nothing
 * was written and the same message can simply be sent again), a later success clears it, and a
 * request nobody answers ends in an error instead of waiting for ever.
 */

/** @typedef {import("./types.js").Model} Model */
/** @typedef {import("./types.js").Reply} Reply */
/** @typedef {import("./notices.js").Notices} Notices */

export const REPLY_TIMEOUT_MS = 10_000;
/** Errors after which nothing was written: the database was busy (E119) or out of reach (E120). */
export const RETRYABLE = new Set(["E119", "E120"]);
/** Requests that only read: the save indicator does not wait for them. */
const READS = new Set(["versions", "diff", "ping"]);

/**
 * `background`: the page asked, not the person (time worked, the list of versions, a ping), so
 * its success says nothing about their last action and leaves an error shown.
 * @typedef {{timeoutMs?: number, background?: boolean}} RequestOptions
 */
/**
 * @typedef {{resolve: (reply: Reply | null) => void, timer: number, kind: string,
 *   fields: Record<string, any>, options: RequestOptions}} Waiting
 */

export class Channel {
  /**
   * @param {Model} model
   * @param {Notices} notices where refusals and failures are shown
   * @param {(command: () => unknown) => void} run queues a Retry after the commands before it
   * @param {() => void} changed called when a request is sent or answered (the save indicator)
   */
  constructor(model, notices, run, changed) {
    this.model = model;
    this.notices = notices;
    this.run = run;
    this.changed = changed;
    // Several views of one widget share its model: each answers only its own requests.
    this.viewId = Math.random().toString(36).slice(2, 8);
    this.nextId = 1;
    /** @type {Map<string, Waiting>} */
    this.pending = new Map();
  }

  /**
   * Send one message and wait for its reply. A refusal or failure is shown to the person and
   * resolves to null, so callers only handle success.
   * @param {string} kind
   * @param {Record<string, any>} [fields]
   * @param {RequestOptions} [options]
   * @returns {Promise<Reply | null>}
   */
  request(kind, fields = {}, options = {}) {
    const id = `${this.viewId}-${this.nextId++}`;
    const timeoutMs = options.timeoutMs ?? REPLY_TIMEOUT_MS;
    return new Promise((resolve) => {
      const timer = window.setTimeout(() => {
        // The kernel may be busy or gone; say so, and let the next command run.
        this.pending.delete(id);
        this.notices.showError(
          `No answer from the kernel for ${timeoutMs / 1000} s: "${kind}" may not be ` +
            "saved. Is the kernel busy or stopped? Re-run the cell to reconnect.",
        );
        resolve(null);
      }, timeoutMs);
      this.pending.set(id, { resolve, timer, kind, fields, options });
      this.changed();
      this.model.send({ kind, id, ...fields });
    });
  }

  /** @param {Reply} reply */
  onReply(reply) {
    if (!reply || typeof reply.id !== "string") return;
    const waiting = this.pending.get(reply.id);
    if (!waiting) return; // another view's message, or one given up on
    this.pending.delete(reply.id);
    window.clearTimeout(waiting.timer);
    const { kind, fields, options } = waiting;
    if (reply.error) {
      const retry = RETRYABLE.has(reply.code ?? "")
        ? () => this.run(() => this.request(kind, fields, options))
        : undefined;
      this.notices.showError(reply.error, retry);
    } else if (this.notices.error && !options.background) {
      this.notices.clearError(); // the person's last action was saved: the page is in step
    }
    waiting.resolve(reply.error ? null : reply);
    this.changed();
  }

  /** Whether a request that writes is waiting for its answer. */
  get saving() {
    return [...this.pending.values()].some((waiting) => !READS.has(waiting.kind));
  }

  /** Listen for Python's replies; returns the cleanup. */
  listen() {
    /** @param {any} content */
    const onMessage = (content) => this.onReply(content);
    this.model.on("msg:custom", onMessage);
    return () => this.model.off("msg:custom", onMessage);
  }

  /** Stop waiting: the view is going away. */
  close() {
    for (const waiting of this.pending.values()) window.clearTimeout(waiting.timer);
  }
}
