// The offline HTML report and its headless-Chromium check.
export { reportHtml, type ReportSection, type ReportOptions } from './reportHtml';
export { writeReport, type WrittenReport } from './writeReport';
export { checkRenderedHtml, type RenderCheck } from './checkHtml';
