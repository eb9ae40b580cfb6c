/**
 * @module reports/charts — SVG charts for the HTML report, rendered server-side with vega-lite 6 and vega 6 (no
 * browser, no canvas): `vegaLite.compile(spec).spec` → `new vega.View(vega.parse(spec), {renderer: 'none'})` →
 * `view.toSVG()`. Vega escapes every text it writes into the SVG.
 *
 * vega and vega-lite are imported lazily, on the first chart, so writers that draw no chart do not load them.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Histogram } from '../src/report/model.js';
import { type Messages, messages } from './i18n.js';

type VegaModules = [typeof import('vega'), typeof import('vega-lite')];
let modules: Promise<VegaModules> | undefined;

function loadVega(): Promise<VegaModules> {
  modules ??= Promise.all([import('vega'), import('vega-lite')]);
  return modules;
}

/** Bar colour of the histogram charts. */
const BAR = '#4c78a8';

/**
 * Builds the vega-lite spec of a histogram: one bar per bin (x = bin label in the given order, y = records), the
 * number of classes printed above each bar.
 * @param h - the histogram; bins missing a count count as 0, and a repeated bin label gets a " (2)" suffix so the
 *   ordinal scale keeps every bin
 * @returns a vega-lite spec with its data inlined
 */
export function histogramSpec(h: Histogram, m: Messages = messages()): TopLevelSpec {
  const seen = new Map<string, number>();
  const values = h.bins.map((label, i) => {
    const k = (seen.get(label) ?? 0) + 1;
    seen.set(label, k);
    return { bin: k > 1 ? `${label} (${k})` : label, records: h.records[i] ?? 0, classes: h.classes[i] ?? 0 };
  });
  const max = Math.max(1, ...values.map((v) => v.records));
  const step = Math.max(18, Math.min(56, Math.floor(400 / Math.max(1, values.length))));
  // labels that do not fit under their bar are slanted
  const slant = Math.max(0, ...values.map((v) => v.bin.length)) * 6.5 > step;
  return {
    title: { text: h.label, subtitle: m.histogramSubtitle, anchor: 'start' },
    background: 'white',
    width: { step },
    height: 180,
    data: { values },
    encoding: {
      x: {
        field: 'bin',
        type: 'ordinal',
        sort: null,
        title: h.label,
        axis: { labelAngle: slant ? -35 : 0, labelLimit: 90 },
      },
      y: {
        field: 'records',
        type: 'quantitative',
        title: m.records,
        // headroom for the class counts printed above the tallest bar
        scale: { domainMax: max * 1.12, nice: true },
        axis: { format: ',d', tickMinStep: 1 },
      },
    },
    layer: [
      { mark: { type: 'bar', color: BAR } },
      {
        mark: { type: 'text', dy: -3, baseline: 'bottom', fontSize: 10, color: '#333' },
        encoding: { text: { field: 'classes', type: 'quantitative', format: ',d' } },
      },
    ],
    config: { font: 'sans-serif', view: { stroke: null } },
  };
}

/**
 * Renders a vega-lite spec as a standalone SVG document string.
 * @param spec - a vega-lite spec with its data inlined
 * @returns the `<svg …>…</svg>` markup (no XML prolog), suitable for inlining in HTML
 * @throws whatever vega throws on an unrenderable spec (a bug; callers may degrade to a table)
 */
export async function specSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await loadVega();
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Renders a histogram as a standalone SVG document string.
 * @param h - the histogram
 * @param m - the labels' language (default English)
 * @returns the `<svg …>…</svg>` markup
 * @throws whatever vega throws on an unrenderable spec
 */
export function histogramSvg(h: Histogram, m: Messages = messages()): Promise<string> {
  return specSvg(histogramSpec(h, m));
}
