import { InputError } from '../errors';
import { axis, escapeLabel, title } from './labels';
import { seriesColor } from './palette';
import type { PlotlyFigure, PlotlyTrace } from './plotly';

/** One group's curve over t, as `exploreImage` (src/explorer/explore.ts) returns it in `groups[i]`. */
export interface TSliderView {
  group: string;
  /** Unit of `ts` and `slope` ('normalized', 'pixels', 'degrees'). */
  unit: string;
  /** Values of t, increasing, containing 0. */
  ts: number[];
  /** T_t x per t, each [H·W·C] row-major in [0, 1]. */
  frames: number[][];
  /** f_k(T_t x) per t. */
  f: number[];
  /** (L f)_k per unit of t. */
  slope: number;
}

export interface TSliderOptions {
  height: number;
  width: number;
  /** 3 (RGB) or 1 (grey) values per pixel in each frame. */
  channels: number;
  /** What f_k is, e.g. 'probs[7]' or 'p(7)' (escaped here). */
  component: string;
  /** Model name for the title (escaped here). */
  model?: string;
}

/** A frame's pixels as Plotly `image` z: rows of [r, g, b] in 0..255 (grey replicated). */
function imageZ(frame: number[], H: number, W: number, C: number): number[][][] {
  const z: number[][][] = [];
  for (let i = 0; i < H; i++) {
    const row: number[][] = [];
    for (let j = 0; j < W; j++) {
      const p = (i * W + j) * C;
      const v = (c: number) => Math.round(255 * Math.min(1, Math.max(0, frame[p + (C === 1 ? 0 : c)])));
      row.push([v(0), v(1), v(2)]);
    }
    z.push(row);
  }
  return z;
}

const fmt = (t: number) => (Math.abs(t) < 1e-12 ? '0' : Number(t.toPrecision(3)).toString());

/**
 * The idea of the Lie derivative that must be seen moving (DESIGN §1): a slider over t shows the
 * finite transformation T_t x (left) and the point (t, f_k(T_t x)) on the curve of the model's
 * output (right), together with the tangent line f_k(x) + t·(L f)_k at t = 0. Plotly frames, one per
 * t, so it runs in a static HTML page or an exported notebook with no server.
 *
 * Convention:
 *  - view.ts in view.unit (normalized, pixels, degrees; DESIGN §2); view.slope per unit of t.
 *  - traces: 0 image T_t x, 1 curve f_k(T_t x), 2 tangent line, 3 the current point; frames
 *    restyle traces 0 and 3. The slider starts at t = 0.
 *  - errors: InputError when the lengths of ts, frames and f differ, no t is 0, or a frame has
 *    the wrong number of values.
 */
export function tSlider(view: TSliderView, opts: TSliderOptions): PlotlyFigure {
  const { height: H, width: W, channels: C } = opts;
  const n = view.ts.length;
  if (n < 2 || view.frames.length !== n || view.f.length !== n) {
    throw new InputError(
      `'tSlider' needs as many frames and f values as values of t (≥ 2), got ${view.ts.length} t, ${view.frames.length} frames, ${view.f.length} f`,
    );
  }
  const zero = view.ts.findIndex((t) => t === 0);
  if (zero < 0)
    throw new InputError(`'tSlider' needs t = 0 among the values of t (the tangent line touches the curve there)`);
  const bad = view.frames.findIndex((fr) => fr.length !== H * W * C);
  if (bad >= 0)
    throw new InputError(
      `'tSlider': frame ${bad} has ${view.frames[bad].length} values, expected H·W·C = ${H}·${W}·${C}`,
    );
  const f0 = view.f[zero];
  const tMin = view.ts[0];
  const tMax = view.ts[n - 1];
  const unit = view.unit === 'normalized' ? '' : ` (${escapeLabel(view.unit)})`;
  const group = escapeLabel(view.group);
  const component = escapeLabel(opts.component);
  const data: PlotlyTrace[] = [
    {
      type: 'image',
      z: imageZ(view.frames[zero], H, W, C),
      xaxis: 'x',
      yaxis: 'y',
      name: 'T<sub>t</sub> x',
      hovertemplate: 'column %{x}, row %{y}<extra></extra>',
    },
    {
      type: 'scatter',
      mode: 'lines+markers',
      x: view.ts,
      y: view.f,
      xaxis: 'x2',
      yaxis: 'y2',
      name: `${component}(T<sub>t</sub> x)`,
      line: { color: seriesColor(0) },
      marker: { size: 4 },
    },
    {
      type: 'scatter',
      mode: 'lines',
      x: [tMin, tMax],
      y: [f0 + view.slope * tMin, f0 + view.slope * tMax],
      xaxis: 'x2',
      yaxis: 'y2',
      name: `tangent at t = 0, slope (L f) = ${fmt(view.slope)}`,
      line: { color: seriesColor(1), dash: 'dash' },
    },
    {
      type: 'scatter',
      mode: 'markers',
      x: [view.ts[zero]],
      y: [f0],
      xaxis: 'x2',
      yaxis: 'y2',
      name: 'current t',
      marker: { size: 12, color: seriesColor(2) },
    },
  ];
  const frames = view.ts.map((t, i) => ({
    name: String(i),
    data: [{ z: imageZ(view.frames[i], H, W, C) }, { x: [t], y: [view.f[i]] }],
    traces: [0, 3],
  }));
  const steps = view.ts.map((t, i) => ({
    label: fmt(t),
    method: 'animate',
    args: [[String(i)], { mode: 'immediate', frame: { duration: 0, redraw: true }, transition: { duration: 0 } }],
  }));
  const layout = {
    title: {
      ...title(
        `${group}: T<sub>t</sub> x and ${component}(T<sub>t</sub> x)${opts.model ? ` — ${escapeLabel(opts.model)}` : ''}`,
      ),
      y: 0.98,
    },
    height: 460,
    xaxis: { domain: [0, 0.4], showticklabels: false, scaleanchor: 'y', constrain: 'domain' },
    yaxis: { domain: [0.12, 1], showticklabels: false, constrain: 'domain' },
    xaxis2: { ...axis(`t${unit}`), domain: [0.5, 1], anchor: 'y2' },
    yaxis2: { ...axis(`${component}(T<sub>t</sub> x)`), domain: [0.12, 1], anchor: 'x2' },
    legend: { orientation: 'h', x: 0.5, y: 1.0, xanchor: 'center', yanchor: 'bottom' },
    margin: { t: 80, b: 90 },
    sliders: [{ active: zero, currentvalue: { prefix: `t${unit} = ` }, pad: { t: 40 }, steps }],
  };
  return { data, layout, frames };
}
