/** Renders a vega-lite spec to SVG on the server (no browser, no canvas): for PDF digests and tests. */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A fixed width replaces 'container', which only means something inside a web page. */
export async function renderChartSvg(spec: TopLevelSpec, width = 520): Promise<string> {
  const fixed = {
    ...spec,
    width: (spec as { width?: unknown }).width === 'container' ? width : (spec as { width?: number }).width,
  } as TopLevelSpec;
  const view = new View(parse(compile(fixed).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
