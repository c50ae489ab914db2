import type { PlotlyFigure, PlotlyTrace } from './plotly';
import type { FiniteRow } from './types';
import { axis, escapeLabel, groupBy, requireFinite, requireRows } from './labels';
import { PALETTE } from './palette';

export interface LieVsFiniteOptions {
  title?: string;
}

/**
 * Relative error of finite-transformation quotients against the Lie derivative as t → 0,
 * log-log, one line per (group, quotient). The symmetric quotient (solid) converges to the
 * central-difference L f; the one-sided quotient (dashed) does not, because bilinear resampling
 * has a kink at t = 0 (DESIGN §6).
 */
export function lieVsFinite(rows: FiniteRow[], { title: text }: LieVsFiniteOptions = {}): PlotlyFigure {
  requireRows(rows, 'lieVsFinite');
  requireFinite(rows, 't', 'lieVsFinite', true);
  requireFinite(rows, 'relError', 'lieVsFinite');
  const data: PlotlyTrace[] = [];
  for (const [, rs] of groupBy(rows, (r) => `${r.group}\u0000${r.quotient}\u0000${r.derivative ?? ''}`)) {
    const sorted = [...rs].sort((a, b) => a.t - b.t);
    const { group, quotient, derivative } = sorted[0];
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: `${escapeLabel(group)}, ${quotient} quotient${derivative ? ` vs ${escapeLabel(derivative)} L f` : ''}`,
      x: sorted.map((r) => r.t),
      // A zero error cannot sit on a log axis: floor it at the float32 resolution.
      y: sorted.map((r) => Math.max(r.relError, 1e-8)),
      line: { dash: quotient === 'symmetric' ? 'solid' : 'dash' },
      hovertemplate: '%{fullData.name}<br>t = %{x:.2g}<br>relative error %{y:.3g}<extra></extra>',
    });
  }
  return {
    data,
    layout: {
      title: { text: text ?? 'Finite transformations vs the Lie derivative as t → 0' },
      xaxis: axis('t (normalized units, DESIGN §2)', { type: 'log', exponentformat: 'power' }),
      yaxis: axis('relative error ‖quotient − L f‖ / ‖L f‖', { type: 'log', exponentformat: 'power' }),
      legend: { title: { text: 'group, quotient' } },
      colorway: [...PALETTE],
      hovermode: 'closest',
    },
  };
}
