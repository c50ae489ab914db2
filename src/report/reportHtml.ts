import type { PlotlyFigure } from '../figures/plotly';
import { escapeHtml } from '../notebook/html';
import { figureDivHtml, plotlyLoaderHtml } from '../notebook/plotlyHtml';
import { rowsToTable, tableHtml } from '../notebook/table';

/** One section of the report: a heading, paragraphs of plain text, figures, then tables. */
export interface ReportSection {
  title: string;
  /** Plain text (escaped); blank lines separate paragraphs. */
  text?: string;
  figures?: PlotlyFigure[];
  /** Each table is an array of row objects (LeeRow[], LayerRow[], ...). */
  tables?: Array<readonly object[]>;
}

export interface ReportOptions {
  title?: string;
  /** A line under the title (e.g. backend, date, run time); plain text. */
  subtitle?: string;
  /** Significant digits in tables. */
  digits?: number;
  /** Rows shown per table. */
  maxRows?: number;
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{margin-bottom:.2em} .subtitle{color:#666;margin-top:0}
nav ol{columns:2} section{margin-top:2.5em;border-top:1px solid #ddd;padding-top:.5em}
table.dataframe{border-collapse:collapse;font-size:13px;margin:1em 0}
table.dataframe th,table.dataframe td{border-bottom:1px solid #e3e3e3;padding:3px 8px;text-align:left}
table.dataframe td.num{text-align:right;font-variant-numeric:tabular-nums}
.liederiv-plot{margin:1em 0}`;

/**
 * The whole report as one self-contained HTML string: plotly.js inlined once at the top, every
 * title, text and table cell escaped, no external scripts, styles or fonts.
 */
export function reportHtml(
  sections: ReportSection[],
  { title = 'liederiv report', subtitle, digits = 4, maxRows = 200 }: ReportOptions = {},
): string {
  const toc = sections.map((s, i) => `<li><a href="#section-${i + 1}">${escapeHtml(s.title)}</a></li>`).join('');
  const body = sections
    .map((s, i) => {
      const paragraphs = (s.text ?? '')
        .split(/\n\s*\n/)
        .filter((p) => p.trim() !== '')
        .map((p) => `<p>${escapeHtml(p.trim())}</p>`)
        .join('\n');
      const figures = (s.figures ?? []).map((f, k) => figureDivHtml(f, `figure-${i + 1}-${k + 1}`)).join('\n');
      const tables = (s.tables ?? []).map((rows) => tableHtml(rowsToTable(rows), { digits, maxRows })).join('\n');
      return `<section id="section-${i + 1}"><h2>${escapeHtml(s.title)}</h2>\n${paragraphs}\n${figures}\n${tables}</section>`;
    })
    .join('\n');
  const hasFigures = sections.some((s) => (s.figures ?? []).length > 0);
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>\n<body>\n` +
    `<h1>${escapeHtml(title)}</h1>${subtitle ? `<p class="subtitle">${escapeHtml(subtitle)}</p>` : ''}\n` +
    (sections.length > 1 ? `<nav><ol>${toc}</ol></nav>\n` : '') +
    (hasFigures ? plotlyLoaderHtml() : '') +
    `${body}\n</body></html>\n`
  );
}
