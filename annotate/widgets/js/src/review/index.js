// @ts-check
/**
 * The review widget's browser half, as anywidget loads it: one view per output of the widget.
 * build.mjs bundles this file and everything it imports into static/review.js.
 */
import { ReviewView } from "./view.js";

export default {
  /** @param {{model: import("../common/types.js").Model, el: HTMLElement}} context */
  render({ model, el }) {
    const view = new ReviewView(model, el);
    return () => view.destroy();
  },
};
