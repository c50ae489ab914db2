// Figure builders: data → Plotly spec, pure (no DOM, tslab or plotly.js). One line per file.
export * from './plotly';
export * from './types';
export { escapeLabel } from './labels';
export { linearFit, type LinearFit } from './fit';
export { leeByGroup, type LeeByGroupOptions } from './leeByGroup';
export { leeVsAccuracy, type LeeVsAccuracyOptions } from './leeVsAccuracy';
export { layerwiseCumulative, type LayerwiseCumulativeOptions } from './layerwiseCumulative';
export { layerwiseByKind, type LayerwiseByKindOptions } from './layerwiseByKind';
export { layerHeatmap, type LayerHeatmapOptions } from './layerHeatmap';
export { leeVsEpoch, type LeeVsEpochOptions } from './leeVsEpoch';
export { lieVsFinite, type LieVsFiniteOptions } from './lieVsFinite';
export { discreteVsLee, type DiscreteVsLeeOptions } from './discreteVsLee';
export type { LayerMeasure } from './layerwiseAverage';
export { tSlider, type TSliderView, type TSliderOptions } from './tSlider';
