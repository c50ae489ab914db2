/**
 * The report's figures as a browser draws them: a layout check (no two text labels overlap, none
 * leaves its figure) read from the bounding boxes of the SVG text Plotly renders in headless
 * Chromium, and each figure exported as SVG and PNG (Plotly.toImage in the same page) beside
 * report.html, so a paper or a slide can use them without a screenshot.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withChromiumPage } from '../notebook/chromium';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One text label of a drawn figure: what it says, which part of the figure it is, where. */
export interface LabelBox extends Box {
  text: string;
  role: string;
}

export interface FigureLayout {
  /** The plot container's id (figure-<section>-<k>). */
  id: string;
  title: string;
  figure: Box;
  /** The legend's box, and whether Plotly had to give it a scrollbar (entries did not fit). */
  legend?: Box & { scrolls: boolean };
  labels: LabelBox[];
}

export interface LayoutProblem {
  id: string;
  title: string;
  /** 'overlap': two labels intersect; 'outside': a label is (partly) outside its figure or, for legend entries, its legend (clipped). */
  kind: 'overlap' | 'outside';
  labels: string[];
}

// Runs in the page; a string so this file needs no DOM types (tslab compiles without lib.dom).
// Roles: the classes Plotly gives the <text> of each part of a figure. Hover labels are excluded
// (they exist only while the pointer is over a point).
const READ_LAYOUT = `(() => {
  const ROLES = [['xtick', 'x tick'], ['ytick', 'y tick'], ['legendtext', 'legend'], ['legendtitletext', 'legend title'],
    ['annotation-text', 'annotation'], ['gtitle', 'title'], ['xtitle', 'x title'], ['ytitle', 'y title'], ['bartext', 'bar text'], ['textpoint', 'point text']];
  const roleOf = (t) => {
    for (const [cls, role] of ROLES) if (t.classList.contains(cls) || t.closest('.' + cls)) return role;
    return 'text';
  };
  return [...document.querySelectorAll('.liederiv-plot')].map((div) => {
    const r = div.getBoundingClientRect();
    const labels = [...div.querySelectorAll('svg.main-svg text')]
      .filter((t) => !t.closest('.hoverlayer') && (t.textContent || '').trim() !== '')
      .map((t) => {
        const b = t.getBoundingClientRect();
        return { text: t.textContent.trim(), role: roleOf(t), x: b.x, y: b.y, width: b.width, height: b.height };
      })
      .filter((b) => b.width > 0 && b.height > 0);
    const title = div.querySelector('.gtitle');
    // A legend too long for the figure is clipped and gets a scrollbar: its hidden entries are clipped labels.
    const bg = div.querySelector('.legend rect.bg');
    const scroll = div.querySelector('.legend .scrollbar');
    const lb = bg ? bg.getBoundingClientRect() : null;
    const legend = lb ? { x: lb.x, y: lb.y, width: lb.width, height: lb.height, scrolls: !!scroll && scroll.getBoundingClientRect().height > 0 } : undefined;
    return { id: div.id, title: title ? title.textContent : div.id, figure: { x: r.x, y: r.y, width: r.width, height: r.height }, legend, labels };
  });
})()`;

/** Area of the intersection of two boxes, each shrunk by `slack` px (glyph boxes include side bearings). */
export function overlapArea(a: Box, b: Box, slack = 1): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) - 2 * slack;
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) - 2 * slack;
  return w > 0 && h > 0 ? w * h : 0;
}

/** Whether `inner` lies inside `outer`, allowing `slack` px. */
export function inside(inner: Box, outer: Box, slack = 1): boolean {
  return (
    inner.x >= outer.x - slack &&
    inner.y >= outer.y - slack &&
    inner.x + inner.width <= outer.x + outer.width + slack &&
    inner.y + inner.height <= outer.y + outer.height + slack
  );
}

/** Every overlapping pair and every label outside its figure. Pure, so it is tested on hand-made boxes too. */
export function layoutProblems(figures: FigureLayout[]): LayoutProblem[] {
  const out: LayoutProblem[] = [];
  for (const f of figures) {
    const name = (l: LabelBox) => `${l.role} '${l.text.length > 40 ? `${l.text.slice(0, 37)}...` : l.text}'`;
    for (const l of f.labels)
      if (!inside(l, f.figure)) out.push({ id: f.id, title: f.title, kind: 'outside', labels: [name(l)] });
    if (f.legend) {
      for (const l of f.labels)
        if (l.role.startsWith('legend') && !inside(l, f.legend))
          out.push({
            id: f.id,
            title: f.title,
            kind: 'outside',
            labels: [`${name(l)} (clipped by its legend${f.legend.scrolls ? ', which scrolls' : ''})`],
          });
    }
    for (let i = 0; i < f.labels.length; i++) {
      for (let j = i + 1; j < f.labels.length; j++) {
        if (overlapArea(f.labels[i], f.labels[j]) > 0)
          out.push({ id: f.id, title: f.title, kind: 'overlap', labels: [name(f.labels[i]), name(f.labels[j])] });
      }
    }
  }
  return out;
}

/** One line per problem, for stderr and test messages. */
export function describeProblems(problems: LayoutProblem[]): string {
  return problems
    .map(
      (p) =>
        `${p.id} (${p.title}): ${p.kind === 'overlap' ? `${p.labels[0]} overlaps ${p.labels[1]}` : p.labels[0].includes('(clipped by its legend') ? `${p.labels[0]}` : `${p.labels[0]} is outside the figure`}`,
    )
    .join('\n');
}

export interface RenderedFigures {
  figures: FigureLayout[];
  problems: LayoutProblem[];
  /** Files written (SVG and PNG per figure), when `exportDir` was given. */
  exported: string[];
  /** Page errors, console errors, refused network requests. */
  errors: string[];
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 48);

/**
 * Opens `file` in headless Chromium (offline), waits until every figure is drawn, reads the
 * layout of each and, with `exportDir`, writes `<id>-<title slug>.svg` and `.png` (2× scale) per
 * figure there. Figures are drawn at `width` px (the report's column width).
 */
export async function renderReportFigures(
  file: string,
  { exportDir, width = 1100, timeoutMs = 60000 }: { exportDir?: string; width?: number; timeoutMs?: number } = {},
): Promise<RenderedFigures> {
  return withChromiumPage(async ({ page, errors }) => {
    await page.setViewportSize({ width: width + 80, height: 900 });
    await page.goto(`file://${path.resolve(file)}`, { waitUntil: 'load', timeout: timeoutMs });
    const deadline = Date.now() + timeoutMs;
    const pending = `(() => { const p = [...document.querySelectorAll('.liederiv-plot')]; return p.length - p.filter((d) => d.querySelector('svg.main-svg')).length; })()`;
    while ((await page.evaluate<number>(pending)) > 0 && Date.now() < deadline && errors.length === 0)
      await page.waitForTimeout(100);
    await page.waitForTimeout(300); // Plotly's automargin redraw
    const figures: FigureLayout[] = await page.evaluate(READ_LAYOUT);
    const exported: string[] = [];
    if (exportDir) {
      fs.mkdirSync(exportDir, { recursive: true });
      for (const f of figures) {
        const base = path.join(exportDir, `${f.id}${slug(f.title) ? `-${slug(f.title)}` : ''}`);
        const [svg, png] = await page.evaluate<[string, string]>(
          `(async () => { const el = document.getElementById(${JSON.stringify(f.id)}); const w = el.clientWidth, h = el.clientHeight;
            return [await Plotly.toImage(el, { format: 'svg', width: w, height: h }), await Plotly.toImage(el, { format: 'png', width: w, height: h, scale: 2 })]; })()`,
        );
        fs.writeFileSync(`${base}.svg`, decodeURIComponent(String(svg).replace(/^data:image\/svg\+xml,/, '')));
        fs.writeFileSync(`${base}.png`, Buffer.from(String(png).replace(/^data:image\/png;base64,/, ''), 'base64'));
        exported.push(`${base}.svg`, `${base}.png`);
      }
    }
    return { figures, problems: layoutProblems(figures), exported, errors: [...errors] };
  });
}
