// @ts-check
/**
 * The annotator's browser half, as anywidget loads it: one view per output of the widget.
 * build.mjs bundles this file and everything it imports into static/annotator.js.
 */
import { AnnotatorView } from "./view.js";

export default {
  /** @param {{model: import("../common/types.js").Model, el: HTMLElement}} context */
  render({ model, el }) {
    const view = new AnnotatorView(model, el);
    return () => view.destroy();
  },
};
