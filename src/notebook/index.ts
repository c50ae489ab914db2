// The display layer: the only code that knows about tslab, plotly.js and danfo (DESIGN §8).
export { show, toBundle, loadPlotly, showHtml, PLOTLY_MIME, type BundleOptions } from './show';
export { inKernel, sendBundle, type MimeBundle } from './kernel';
export { progress, type Progress, type ProgressOptions } from './progress';
export { toDataFrame, isDataFrame, dataFrameToTable, type DataFrameLike } from './dataFrame';
export { rowsToTable, tableHtml, tableText, type Table, type TableOptions } from './table';
export { formatNumber, formatCell } from './formatNumber';
export { latex, isLatex, type LatexInput, type LatexOptions } from './latex';
export {
  imageGrid,
  isImageGrid,
  imageGridBundle,
  toPlainImage,
  type ImageGrid,
  type ImageCell,
  type PlainImage,
  type ImageMode,
} from './image';
export { plotlyLoaderHtml, figureDivHtml, figureText } from './plotlyHtml';
export { exportFigure, type ExportOptions } from './exportFigure';
export { findChromium, withChromiumPage, CHROMIUM_FLAGS } from './chromium';
export { escapeHtml } from './html';
