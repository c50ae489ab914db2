import type { LayerRow } from './types';
import { groupBy, mean } from './labels';

export type LayerMeasure = 'projection' | 'sqnorm';

export interface LayerAverage {
  index: number;
  layer: string;
  kind: string;
  /** Mean over images of the chosen measure. */
  value: number;
}

/** Per model, each layer's measure averaged over images, in depth order. Shared by the layer-wise figures. */
export function averageLayers(rows: readonly LayerRow[], measure: LayerMeasure): Map<string, LayerAverage[]> {
  const out = new Map<string, LayerAverage[]>();
  for (const [model, modelRows] of groupBy(rows, (r) => r.model)) {
    const layers = [...groupBy(modelRows, (r) => String(r.index))].map(([, rs]) => ({
      index: rs[0].index,
      layer: rs[0].layer,
      kind: rs[0].kind,
      value: mean(rs.map((r) => r[measure])),
    }));
    layers.sort((a, b) => a.index - b.index);
    out.set(model, layers);
  }
  return out;
}

/** How each measure reads on an axis. */
export const MEASURE_LABEL: Record<LayerMeasure, string> = {
  projection: 'projection ⟨C_i, L f⟩/‖L f‖',
  sqnorm: '‖C_i‖²',
};
