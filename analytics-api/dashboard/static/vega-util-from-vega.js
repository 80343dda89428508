// vega-interpreter imports these three helpers from "vega-util" (the page's import map points here);
// the vega bundle already loaded on the page carries them, so the browser needs no second copy.
const { ascending, isString, DisallowedObjectProperties } = globalThis.vega;
export { ascending, isString, DisallowedObjectProperties };
