import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { useBackend } from '../../src/backend';
import { loadImageFolder } from '../../src/data/imageFolder';
import { datasetsDir } from '../../src/data/paths';
import { buildExplorer } from '../../src/explorer/build';
import { lee } from '../../src/lie/lee';
import { loadModel, saveModel } from '../../src/models/load';
import {
  inkFraction,
  openBrowser,
  pageLeeTable,
  pickGroups,
  relDiff,
  textOf,
  waitForStatus,
  type Browser,
} from './browser';
import { TOL } from '../helpers/tolerances';

const ALL = [
  'translate-x',
  'translate-y',
  'rotate',
  'shear-x',
  'shear-y',
  'stretch-x',
  'stretch-y',
  'scale',
  'hyperbolic-rotate',
  'hue',
  'saturation',
  'brightness',
  'contrast',
];

/** The library's LEE (mean-abs of probs, the CLI's defaults) for one image file and a model folder. */
async function libraryLee(modelDir: string, imageDir: string, groups: string[]): Promise<Map<string, number>> {
  const model = await loadModel(modelDir);
  const { images } = loadImageFolder(imageDir, { size: model.inputSize });
  try {
    const rows = await lee(model, { images }, { groups });
    return new Map(rows.map((r) => [r.group, r.lee]));
  } finally {
    images.dispose();
    model.net.dispose();
  }
}

/** The error the library raises for `fn`, as the CLI prints it. */
async function libraryError(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
  throw new Error('expected the library call to fail');
}

/** A small seeded CNN (16×16 RGB, 3 classes) saved as model.json + weights.bin + liederiv.json. */
async function saveTinyModel(dir: string, { transposed = false } = {}): Promise<void> {
  const init = (seed: number) => tf.initializers.glorotNormal({ seed });
  const first = transposed
    ? tf.layers.conv2dTranspose({
        name: 'up',
        inputShape: [16, 16, 3],
        filters: 2,
        kernelSize: 3,
        kernelInitializer: init(1),
      })
    : tf.layers.conv2d({
        name: 'conv',
        inputShape: [16, 16, 3],
        filters: 4,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: init(1),
      });
  const net = tf.sequential({
    layers: [
      first,
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ name: 'out', units: 3, activation: 'softmax', kernelInitializer: init(2) }),
    ],
  });
  await saveModel(net, dir, {
    name: `tiny <b>${transposed ? 'transposed' : 'cnn'}</b>`,
    classNames: ['cat', 'dog', '<i>bird</i>'],
  });
  net.dispose();
}

/** A 20×24 colour gradient PNG (not the model's size: the page resizes it as the CLI does). */
function gradientPng(file: string): void {
  const png = new PNG({ width: 24, height: 20 });
  for (let i = 0; i < 20; i++)
    for (let j = 0; j < 24; j++)
      png.data.set(
        [Math.round((255 * j) / 23), Math.round((255 * i) / 19), (37 * i + 11 * j) % 256, 255],
        (i * 24 + j) * 4,
      );
  fs.writeFileSync(file, PNG.sync.write(png));
}

describe('explorer page (static build, file://, headless Chromium)', () => {
  let tmp: string;
  let index: string;
  let b: Browser;
  let warnings: string[] = [];
  before(async () => {
    await useBackend('wasm');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-explorer-test-'));
    ({ warnings } = await buildExplorer(path.join(tmp, 'site'), { models: ['cnn-relu-mnist'] }));
    index = `file://${path.join(tmp, 'site', 'index.html')}`;
    b = await openBrowser();
  });
  after(async () => {
    await b?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it(
    'loads offline on wasm and its LEE per group equals the library lee (CLI defaults) within 1e-4 relative',
    { timeout: 600_000 },
    async (t) => {
      assert.deepEqual(warnings, [], 'the bundle builds without warnings');
      await b.page.goto(index);
      assert.equal(await waitForStatus(b.page, ['ready', 'error']), 'ready', await textOf(b.page, '#error'));
      assert.match(await textOf(b.page, '#backend'), /backend: wasm/);
      await b.page.selectOption('#model', 'cnn-relu-mnist');
      await b.page.selectOption('#image', { label: 'locomotion-house-cat.jpg' });
      await pickGroups(b.page, ALL);
      await b.page.click('#run');
      assert.equal(await waitForStatus(b.page, ['done', 'error']), 'done', await textOf(b.page, '#error'));
      const rows = await pageLeeTable(b.page);
      assert.deepEqual(
        rows.map((r) => r.group),
        ALL,
      );
      const imgDir = path.join(tmp, 'cat');
      fs.mkdirSync(imgDir);
      fs.copyFileSync(path.join(datasetsDir(), 'photos', 'locomotion-house-cat.jpg'), path.join(imgDir, 'cat.jpg'));
      const want = await libraryLee(path.join(datasetsDir(), 'models', 'cnn-relu-mnist'), imgDir, ALL);
      t.diagnostic(
        `max relative difference page vs library: ${Math.max(...rows.map((r) => relDiff(Number(r['mean-abs']), want.get(r.group)!))).toExponential(2)}`,
      );
      for (const r of rows) {
        const w = want.get(r.group)!;
        assert.ok(w > 0, `${r.group}: the library LEE is ${w}; a colour photo should move every group`);
        assert.ok(
          relDiff(Number(r['mean-abs']), w) <= TOL.pageVsLibraryRel,
          `${r.group}: page ${r['mean-abs']} vs library ${w}`,
        );
      }
      assert.deepEqual(b.refused, [], 'no request may leave the machine');
      assert.deepEqual(b.errors, []);
    },
  );

  it(
    'draws the figures: image and tangent canvases, the t slider with one frame per t, LEE and layer bars',
    { timeout: 300_000 },
    async () => {
      const distinct = await b.page.evaluate(() =>
        ['image-canvas', 'tangent-canvas'].map((id) => {
          const c = document.getElementById(id) as HTMLCanvasElement;
          const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          const seen = new Set<number>();
          for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
          return seen.size;
        }),
      );
      assert.ok(
        distinct.every((n: number) => n > 20),
        `canvases should show an image, distinct colours ${distinct}`,
      );
      const frames = await b.page.evaluate(
        () =>
          (
            (document.getElementById('slider-plot') as HTMLElement & { _transitionData?: { _frames?: unknown[] } })
              ._transitionData?._frames ?? []
          ).length,
      );
      assert.equal(frames, 21);
      for (const id of ['#slider-plot', '#lee-plot', '#layers-plot']) {
        const ink = inkFraction(await b.page.locator(id).screenshot());
        assert.ok(ink > TOL.figureInkFraction, `${id}: ${(100 * ink).toFixed(1)}% of its pixels are drawn`);
      }
      // Moving the slider shows another frame: the image trace changes.
      const href = () =>
        b.page.evaluate(() => document.querySelector('#slider-plot g.imagelayer image')?.getAttribute('href') ?? '');
      const before = await href();
      assert.match(before, /^data:image\/png/);
      await b.page.evaluate(() =>
        (window as unknown as { Plotly: { animate: (...a: unknown[]) => Promise<void> } }).Plotly.animate(
          'slider-plot',
          ['0'],
          { mode: 'immediate', frame: { duration: 0, redraw: true }, transition: { duration: 0 } },
        ),
      );
      await b.page.waitForTimeout(300);
      const moved = await href();
      assert.ok(moved.startsWith('data:image/png') && moved !== before, 'the slider moves T_t x');
      // CSV export of the table.
      const [download] = await Promise.all([b.page.waitForEvent('download'), b.page.click('#csv')]);
      const csv = fs.readFileSync(await download.path(), 'utf8');
      assert.match(csv.split('\n')[0], /^model,group,output,mean-abs,l2,sq-l2,mean-sq,component,unit,slope$/);
      assert.equal(csv.trim().split('\n').length, 1 + ALL.length);
    },
  );

  it(
    'shows the CLI messages for bad drops: missing weight file, truncated weights, not an image, unsupported layer',
    { timeout: 600_000 },
    async () => {
      const errorText = async () => (await textOf(b.page, '#error')).trim();
      // model.json without its weights.bin
      const noWeights = path.join(tmp, 'no-weights');
      fs.mkdirSync(noWeights);
      fs.copyFileSync(
        path.join(datasetsDir(), 'models', 'cnn-relu-mnist', 'model.json'),
        path.join(noWeights, 'model.json'),
      );
      await b.page.setInputFiles('#model-files', [path.join(noWeights, 'model.json')]);
      await waitForStatus(b.page, ['error']);
      let want = await libraryError(() => loadModel(noWeights));
      assert.match(want, /weight file named in model\.json is missing/);
      assert.equal(await errorText(), want.replace(noWeights, '/drop/model-1'));
      // wrong shapes: weights that do not match the manifest
      const short = path.join(tmp, 'short');
      fs.mkdirSync(short);
      fs.copyFileSync(
        path.join(datasetsDir(), 'models', 'cnn-relu-mnist', 'model.json'),
        path.join(short, 'model.json'),
      );
      fs.writeFileSync(
        path.join(short, 'weights.bin'),
        fs.readFileSync(path.join(datasetsDir(), 'models', 'cnn-relu-mnist', 'weights.bin')).subarray(0, 1000),
      );
      await b.page.setInputFiles('#model-files', [path.join(short, 'model.json'), path.join(short, 'weights.bin')]);
      await b.page.waitForFunction(() => (document.getElementById('error')!.textContent ?? '').includes('truncated'));
      want = await libraryError(() => loadModel(short));
      assert.equal(await errorText(), want.replace(short, '/drop/model-2'));
      // not an image (a text file named .png), measured with the bundled model
      const notImage = path.join(tmp, 'not-image');
      fs.mkdirSync(notImage);
      fs.writeFileSync(path.join(notImage, 'notes.png'), 'these are my notes, not a picture\n');
      await b.page.setInputFiles('#image-files', [path.join(notImage, 'notes.png')]);
      await waitForStatus(b.page, ['ready']);
      await b.page.selectOption('#model', 'cnn-relu-mnist');
      await b.page.click('#run');
      await waitForStatus(b.page, ['error']);
      want = await libraryError(async () => loadImageFolder(notImage, { size: [28, 28] }));
      assert.match(want, /not a JPEG or PNG file/);
      const imageDir = await b.page.evaluate(
        () =>
          (
            window as unknown as { liederivExplorer: { state: { images: Array<{ dir: string }> } } }
          ).liederivExplorer.state.images.at(-1)!.dir,
      );
      assert.equal(await errorText(), want.replace(notImage, imageDir));
      // a layer without a JVP rule: loads, then Compute names the layer and the supported classes
      const transposed = path.join(tmp, 'transposed');
      await saveTinyModel(transposed, { transposed: true });
      await b.page.setInputFiles(
        '#model-files',
        ['model.json', 'weights.bin', 'liederiv.json'].map((f) => path.join(transposed, f)),
      );
      await waitForStatus(b.page, ['ready']);
      await b.page.selectOption('#image', { label: 'mnist-3.png' });
      await b.page.click('#run');
      await waitForStatus(b.page, ['error']);
      const text = await errorText();
      assert.match(text, /^error: no forward-mode JVP rule for layer 'up' \(class Conv2DTranspose\)/);
      want = await libraryError(async () => {
        const m = await loadModel(transposed);
        try {
          await lee(m, { images: tf.zeros([1, 16, 16, 3]) as tf.Tensor4D }, { groups: ['translate-x'] });
        } finally {
          m.net.dispose();
        }
      });
      // The same message; the fallbacks it lists are the ones checked in each process (the page also has webgl).
      const cut = (s: string) => s.replace(/Fallbacks checked for this model:[^.]*\. /, '');
      assert.equal(cut(text), cut(want));
      // Messages are text, never markup: the dropped model's name holds <b>.
      assert.equal(await b.page.locator('#model-info b').count(), 0);
      assert.deepEqual(b.refused, []);
    },
  );

  it(
    'a dropped model (model.json + weights + liederiv.json) and a dropped image give the library numbers',
    { timeout: 600_000 },
    async () => {
      const tiny = path.join(tmp, 'tiny');
      await saveTinyModel(tiny);
      const imgDir = path.join(tmp, 'gradient');
      fs.mkdirSync(imgDir);
      gradientPng(path.join(imgDir, 'gradient.png'));
      await b.page.setInputFiles(
        '#model-files',
        ['model.json', 'weights.bin', 'liederiv.json'].map((f) => path.join(tiny, f)),
      );
      await waitForStatus(b.page, ['ready']);
      assert.match(await textOf(b.page, '#model-info'), /^tiny <b>cnn<\/b>: input 16×16, 3 classes$/);
      await b.page.setInputFiles('#image-files', [path.join(imgDir, 'gradient.png')]);
      await waitForStatus(b.page, ['ready']);
      const groups = ['translate-x', 'rotate', 'saturation'];
      await pickGroups(b.page, groups);
      await b.page.selectOption('#layer-group', 'rotate');
      await b.page.click('#run');
      assert.equal(await waitForStatus(b.page, ['done', 'error']), 'done', await textOf(b.page, '#error'));
      const rows = await pageLeeTable(b.page);
      const want = await libraryLee(tiny, imgDir, groups);
      assert.deepEqual(
        rows.map((r) => r.group),
        groups,
      );
      for (const r of rows)
        assert.ok(
          relDiff(Number(r['mean-abs']), want.get(r.group)!) <= TOL.pageVsLibraryRel,
          `${r.group}: page ${r['mean-abs']} vs library ${want.get(r.group)}`,
        );
      assert.match(await textOf(b.page, '#layers-caption'), /Σ projections = ‖L f‖/);
      // Names from the dropped files are shown as typed in the figures, never as markup.
      assert.match(await textOf(b.page, '#slider-plot .gtitle'), /tiny <b>cnn<\/b>/);
      assert.equal(await b.page.locator('#slider-plot .gtitle tspan[style*="bold"]').count(), 0);
      // Drag and drop onto the image zone takes the same path as the file picker.
      const dropped = fs.readFileSync(path.join(imgDir, 'gradient.png')).toString('base64');
      await b.page.evaluate((data: string) => {
        const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], 'dragged.png', { type: 'image/png' }));
        document
          .getElementById('image-zone')!
          .dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, dropped);
      await b.page.waitForFunction(
        () =>
          (document.getElementById('image') as HTMLSelectElement).selectedOptions[0]?.textContent ===
          'dragged.png (dropped)',
      );
      assert.deepEqual(b.refused, []);
      assert.deepEqual(b.errors, []);
    },
  );

  it(
    'a dropped GraphModel with an NCHW input (a converter output) gives the library numbers',
    { timeout: 600_000 },
    async () => {
      const fixture = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'cases', 'graph-nchw-input');
      const modelDir = path.join(fixture, 'model');
      await b.page.setInputFiles(
        '#model-files',
        fs.readdirSync(modelDir).map((f) => path.join(modelDir, f)),
      );
      assert.equal(await waitForStatus(b.page, ['ready', 'error']), 'ready', await textOf(b.page, '#error'));
      await b.page.setInputFiles('#image-files', [path.join(fixture, 'imgs', 'inter.png')]);
      await waitForStatus(b.page, ['ready']);
      const groups = ['translate-y', 'scale', 'contrast'];
      await pickGroups(b.page, groups);
      await b.page.selectOption('#layer-group', '');
      await b.page.click('#run');
      assert.equal(await waitForStatus(b.page, ['done', 'error']), 'done', await textOf(b.page, '#error'));
      const rows = await pageLeeTable(b.page);
      const want = await libraryLee(modelDir, path.join(fixture, 'imgs'), groups);
      for (const r of rows)
        assert.ok(
          relDiff(Number(r['mean-abs']), want.get(r.group)!) <= TOL.pageVsLibraryRel,
          `${r.group}: page ${r['mean-abs']} vs library ${want.get(r.group)}`,
        );
      assert.ok(await b.page.locator('#layers-plot').isHidden(), 'no layer group picked: no layer chart');
      assert.deepEqual(b.refused, []);
    },
  );
});
