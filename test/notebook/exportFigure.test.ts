import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { InputError, LiederivError } from '../../src/errors';
import { layerHeatmap } from '../../src/figures/layerHeatmap';
import { leeByGroup } from '../../src/figures/leeByGroup';
import { exportFigure } from '../../src/notebook/exportFigure';
import { leeRows, mapRows } from '../figures/fixtures';

test('exportFigure: SVG and PNG via headless Chromium', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-export-test-'));
  try {
    const svg = path.join(dir, 'sub', 'lee.svg');
    await exportFigure(leeByGroup(leeRows), svg, { width: 640, height: 400 });
    const text = fs.readFileSync(svg, 'utf8');
    assert.match(text, /^<svg[^>]*width="640"[^>]*height="400"/);
    assert.match(text, /class="main-svg"/);
    assert.match(text, /translate-x/, 'tick labels are in the SVG');

    const png = path.join(dir, 'map.png');
    await exportFigure(layerHeatmap(mapRows), png, { width: 500, height: 300, scale: 2 });
    const decoded = PNG.sync.read(fs.readFileSync(png));
    assert.deepEqual([decoded.width, decoded.height], [1000, 600], 'scale 2 doubles the pixels');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('exportFigure: unknown format is an InputError; missing Chromium is a clear error', async () => {
  await assert.rejects(exportFigure(leeByGroup(leeRows), 'x.jpg'), InputError);
  const saved = process.env.LIEDERIV_CHROMIUM;
  process.env.LIEDERIV_CHROMIUM = '/nonexistent/chromium';
  try {
    await assert.rejects(
      exportFigure(leeByGroup(leeRows), path.join(os.tmpdir(), 'never.svg')),
      (e: Error) =>
        e instanceof LiederivError &&
        (e as LiederivError).code === 'E_NO_CHROMIUM' &&
        /LIEDERIV_CHROMIUM/.test(e.message),
    );
  } finally {
    if (saved === undefined) delete process.env.LIEDERIV_CHROMIUM;
    else process.env.LIEDERIV_CHROMIUM = saved;
  }
});
