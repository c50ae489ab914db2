/**
 * The explorer page (bundled by src/explorer/bundle.ts). It loads models with the CLI's `loadModel`
 * and images with the CLI's `loadImageFolder` (over the in-memory file system of
 * src/explorer/browser/fs.ts) and computes with `exploreImage` (src/explorer/explore.ts), so every
 * number is the library's. All user data (model, layer and file names, error messages) reaches
 * the DOM through textContent or escaped Plotly labels, never as HTML.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import Plotly from 'plotly.js-dist-min';
import { IMAGE_EXTENSIONS, decodeImage } from '../../data/decode';
import { loadImageFolder } from '../../data/imageFolder';
import { resizeToTensor } from '../../data/resize';
import { LiederivError } from '../../errors';
import { tSlider } from '../../figures/tSlider';
import { GROUP_NAMES, UNITS, type Unit } from '../../groups';
import { loadModel } from '../../models/load';
import type { ModelWrapper } from '../../models/model';
import { toCsv } from '../../report/csv';
import type { ExplorerAssets } from '../assetTypes';
import { putFile, readFileSync, removeTree } from '../browser/fs';
import { exploreImage, leeTable, type ExploreResult } from '../explore';
import { layerBars, leeBars } from './figures';

declare global {
  interface Window {
    LIEDERIV_ASSETS?: ExplorerAssets;
    LIEDERIV_WASM?: Record<string, string>;
    liederivExplorer?: unknown;
  }
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

function b64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function setStatus(status: 'loading' | 'ready' | 'running' | 'done' | 'error', text: string): void {
  document.body.dataset.status = status;
  $('status').textContent = text;
}

/** A message as the CLI prints it: `error: <message>` for the library's typed errors, the class name otherwise. */
function errorText(err: unknown): string {
  if (err instanceof LiederivError) return `error: ${err.message}`;
  const e = err as Error;
  return `error: ${e?.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e?.message ?? String(err)}`;
}

function showError(err: unknown): void {
  const box = $('error');
  box.textContent = errorText(err);
  box.hidden = false;
  setStatus('error', 'failed: see the message above');
}

function clearError(): void {
  $('error').textContent = '';
  $('error').hidden = true;
}

// ---------- backend ----------

async function startBackend(wanted: string): Promise<string> {
  const notes: string[] = [];
  if (wanted === 'wasm') {
    if (window.LIEDERIV_WASM && Object.keys(window.LIEDERIV_WASM).length) setWasmPaths(window.LIEDERIV_WASM as never);
    else notes.push('no inlined wasm binaries');
  }
  let ok = false;
  try {
    ok = notes.length === 0 && (await tf.setBackend(wanted));
    if (ok) await tf.ready();
  } catch (err) {
    notes.push(String((err as Error)?.message ?? err));
    ok = false;
  }
  if (!ok) {
    await tf.setBackend('cpu');
    await tf.ready();
    return `backend: cpu (${wanted} failed to start${notes.length ? `: ${notes.join('; ')}` : ''}; pure JavaScript, slower)`;
  }
  if (wanted === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    return `backend: wasm (${simd ? 'SIMD' : 'no SIMD'}, single-threaded; the CLI's default)`;
  }
  return `backend: ${tf.getBackend()}`;
}

// ---------- models and images ----------

interface ImageChoice {
  name: string;
  /** Folder in the in-memory file system holding only this image. */
  dir: string;
  file: string;
}

const state = {
  model: undefined as ModelWrapper | undefined,
  modelKey: '',
  images: [] as ImageChoice[],
  dropped: 0,
  result: undefined as ExploreResult | undefined,
  backend: '',
};

async function useModel(key: string, path: string): Promise<void> {
  state.model?.net.dispose();
  state.model = undefined;
  state.modelKey = '';
  const model = await loadModel(path);
  state.model = model;
  state.modelKey = key;
  $('model-info').textContent =
    `${model.name}: input ${model.inputSize[0]}×${model.inputSize[1]}${model.classNames ? `, ${model.classNames.length} classes` : ''}`;
}

function selectedModelPath(): { key: string; path: string } {
  const v = $<HTMLSelectElement>('model').value;
  return { key: v, path: v.startsWith('drop:') ? v.slice(5) : `/models/${v}/model.json` };
}

async function ensureModel(): Promise<ModelWrapper> {
  const { key, path } = selectedModelPath();
  if (!key) throw new LiederivError('pick a model (or drop a model.json with its weight files)', 'E_INPUT');
  if (state.modelKey !== key || !state.model) await useModel(key, path);
  return state.model!;
}

/** Dropped model files: model.json (+ weight shards, + optional liederiv.json sidecar) into their own folder. */
async function dropModel(files: FileList | File[]): Promise<void> {
  const list = Array.from(files as ArrayLike<File>);
  const dir = `/drop/model-${++state.dropped}`;
  removeTree(dir);
  for (const f of list) putFile(`${dir}/${f.name}`, new Uint8Array(await f.arrayBuffer()));
  const json =
    list.find((f) => f.name === 'model.json') ??
    list.find((f) => /\.json$/i.test(f.name) && f.name !== 'liederiv.json');
  if (!json)
    throw new LiederivError(
      `the dropped files (${list.map((f) => f.name).join(', ') || 'none'}) hold no model.json; drop a TF.js model.json together with its weight files (and optionally liederiv.json)`,
      'E_FILE',
    );
  const path = `${dir}/${json.name}`;
  const key = `drop:${path}`;
  await useModel(key, path);
  const opt = document.createElement('option');
  opt.value = key;
  opt.textContent = `${state.model!.name} (dropped)`;
  $<HTMLSelectElement>('model').append(opt);
  $<HTMLSelectElement>('model').value = key;
}

function addImage(name: string, bytes: Uint8Array, label: string): string {
  const id = state.images.length;
  const dir = `/images/${id}`;
  putFile(`${dir}/${name}`, bytes);
  state.images.push({ name, dir, file: `${dir}/${name}` });
  const opt = document.createElement('option');
  opt.value = String(id);
  opt.textContent = label;
  $<HTMLSelectElement>('image').append(opt);
  return opt.value;
}

async function dropImages(files: FileList | File[]): Promise<void> {
  let last = '';
  for (const f of Array.from(files as ArrayLike<File>))
    last = addImage(f.name, new Uint8Array(await f.arrayBuffer()), `${f.name} (dropped)`);
  if (last) $<HTMLSelectElement>('image').value = last;
}

/** The picked image at the model's input size: the CLI's image-folder path (decode, centre crop, resize). */
function loadPickedImage(model: ModelWrapper): tf.Tensor4D {
  const pick = state.images[Number($<HTMLSelectElement>('image').value)];
  if (!pick) throw new LiederivError('pick an image (or drop a JPEG/PNG)', 'E_INPUT');
  const size = model.inputSize;
  const ext = pick.name.slice(pick.name.lastIndexOf('.')).toLowerCase();
  if ((IMAGE_EXTENSIONS as readonly string[]).includes(ext)) return loadImageFolder(pick.dir, { size }).images;
  // Not named as an image: decode anyway, so the message says what the bytes are (as the CLI's decoder does).
  const decoded = decodeImage(readFileSync(pick.file) as Uint8Array, pick.file);
  return tf.tidy(() => resizeToTensor(decoded, size).expandDims(0) as tf.Tensor4D);
}

// ---------- drawing ----------

function drawPixels(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  H: number,
  W: number,
  C: number,
  map: (v: number) => number,
): void {
  const src = document.createElement('canvas');
  src.width = W;
  src.height = H;
  const ctx = src.getContext('2d')!;
  const img = ctx.createImageData(W, H);
  for (let p = 0; p < H * W; p++) {
    for (let c = 0; c < 3; c++)
      img.data[p * 4 + c] = Math.round(255 * Math.min(1, Math.max(0, map(values[p * C + (C === 1 ? 0 : c)]))));
    img.data[p * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  const out = canvas.getContext('2d')!;
  out.imageSmoothingEnabled = false;
  out.clearRect(0, 0, canvas.width, canvas.height);
  out.drawImage(src, 0, 0, canvas.width, canvas.height);
}

function renderTable(r: ExploreResult): void {
  const rows = leeTable(r);
  const table = $('lee-table');
  table.replaceChildren();
  const cols = Object.keys(rows[0]);
  const head = document.createElement('tr');
  for (const c of cols) {
    const th = document.createElement('th');
    th.textContent = c;
    head.append(th);
  }
  table.append(head);
  for (const row of rows) {
    const tr = document.createElement('tr');
    for (const c of cols) {
      const td = document.createElement('td');
      const v = row[c];
      td.textContent = typeof v === 'number' ? v.toPrecision(6) : String(v);
      td.dataset.value = String(v);
      tr.append(td);
    }
    table.append(tr);
  }
}

async function renderFocus(r: ExploreResult): Promise<void> {
  const name = $<HTMLSelectElement>('focus').value;
  const g = r.groups.find((v) => v.group === name) ?? r.groups[0];
  const m = g.tangentMaxAbs || 1;
  drawPixels(
    $<HTMLCanvasElement>('tangent-canvas'),
    g.tangent,
    r.height,
    r.width,
    r.channels,
    (v) => 0.5 + (0.5 * v) / m,
  );
  $('tangent-caption').textContent =
    `L x for ${g.group} (grey = 0, max |L x| = ${g.tangentMaxAbs.toPrecision(3)} per normalized unit of t)`;
  const fig = tSlider(g, {
    height: r.height,
    width: r.width,
    channels: r.channels,
    component: `${r.output}[${r.component.name}]`,
    model: r.model,
  });
  await Plotly.newPlot($('slider-plot'), { ...fig, config: { displaylogo: false, responsive: true } } as never);
}

async function render(r: ExploreResult): Promise<void> {
  drawPixels($<HTMLCanvasElement>('image-canvas'), r.image, r.height, r.width, r.channels, (v) => v);
  $('image-caption').textContent = `x (${r.height}×${r.width}); top-1: ${r.prediction.name}`;
  const focus = $<HTMLSelectElement>('focus');
  const keep = focus.value;
  focus.replaceChildren(
    ...r.groups.map((g) => {
      const o = document.createElement('option');
      o.value = g.group;
      o.textContent = g.group;
      return o;
    }),
  );
  if (r.groups.some((g) => g.group === keep)) focus.value = keep;
  renderTable(r);
  await renderFocus(r);
  await Plotly.newPlot($('lee-plot'), { ...leeBars(r), config: { displaylogo: false, responsive: true } } as never);
  if (r.layers) {
    $('layers-plot').hidden = false;
    await Plotly.newPlot($('layers-plot'), {
      ...layerBars(r.layers, r.model),
      config: { displaylogo: false, responsive: true },
    } as never);
    $('layers-caption').textContent =
      `Σ projections = ‖L f‖ up to ${r.layers.telescopingError.toExponential(1)} (relative); ‖C_i‖² ${r.layers.sqnormMethod}`;
  } else {
    $('layers-plot').hidden = true;
    $('layers-caption').textContent = '';
  }
}

// ---------- run ----------

function selectedGroups(): string[] {
  return Array.from(document.querySelectorAll<HTMLInputElement>('#groups input:checked')).map((i) => i.value);
}

async function run(): Promise<void> {
  clearError();
  setStatus('running', 'computing…');
  try {
    const model = await ensureModel();
    const image = loadPickedImage(model);
    try {
      const layerGroup = $<HTMLSelectElement>('layer-group').value || undefined;
      const started = performance.now();
      const r = await exploreImage(model, image, {
        groups: selectedGroups(),
        units: $<HTMLSelectElement>('units').value as Unit,
        output: $<HTMLSelectElement>('output').value as 'probs' | 'logits',
        layerGroup,
      });
      state.result = r;
      await render(r);
      setStatus('done', `done in ${((performance.now() - started) / 1000).toFixed(1)} s on ${tf.getBackend()}`);
    } finally {
      image.dispose();
    }
  } catch (err) {
    showError(err);
  }
}

function exportCsv(): void {
  if (!state.result) return;
  const blob = new Blob([toCsv(leeTable(state.result))], { type: 'text/csv' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `lee-${state.result.model.replace(/[^\w.-]+/g, '_')}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

// ---------- start ----------

function fillControls(assets: ExplorerAssets): void {
  const model = $<HTMLSelectElement>('model');
  for (const m of assets.models) {
    for (const [name, data] of Object.entries(m.files)) putFile(`/models/${m.name}/${name}`, b64(data));
    const o = document.createElement('option');
    o.value = m.name;
    o.textContent = m.name;
    model.append(o);
  }
  if (assets.defaults?.model) model.value = assets.defaults.model;
  for (const im of assets.images) addImage(im.name, b64(im.data), im.name);
  const def = assets.images.findIndex((im) => im.name === assets.defaults?.image);
  if (def >= 0) $<HTMLSelectElement>('image').value = String(def);
  const groups = $('groups');
  for (const g of GROUP_NAMES) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = g;
    box.checked = ['translate-x', 'rotate', 'scale', 'hue'].includes(g);
    label.append(box, ` ${g}`);
    groups.append(label);
  }
  const units = $<HTMLSelectElement>('units');
  for (const u of UNITS) units.append(new Option(u, u));
  const lg = $<HTMLSelectElement>('layer-group');
  lg.append(new Option('(none)', ''));
  for (const g of GROUP_NAMES) lg.append(new Option(g, g));
  lg.value = 'translate-x';
}

async function main(): Promise<void> {
  setStatus('loading', 'starting…');
  const params = new URLSearchParams(location.search);
  const wanted = params.get('backend') ?? 'wasm';
  $<HTMLSelectElement>('backend-select').value = wanted;
  state.backend = await startBackend(wanted);
  $('backend').textContent = state.backend;
  fillControls(window.LIEDERIV_ASSETS ?? { models: [], images: [] });
  $('run').addEventListener('click', () => void run());
  $('csv').addEventListener('click', exportCsv);
  $('focus').addEventListener('change', () => state.result && void renderFocus(state.result).catch(showError));
  $('backend-select').addEventListener('change', () => {
    const u = new URL(location.href);
    u.searchParams.set('backend', $<HTMLSelectElement>('backend-select').value);
    location.href = u.href;
  });
  const onDrop = (fn: (files: FileList) => Promise<void>) => async (files: FileList | null) => {
    if (!files || !files.length) return;
    clearError();
    try {
      await fn(files);
      setStatus('ready', 'loaded; press Compute');
    } catch (err) {
      showError(err);
    }
  };
  const modelDrop = onDrop(dropModel);
  const imageDrop = onDrop(dropImages);
  $<HTMLInputElement>('model-files').addEventListener(
    'change',
    (e) => void modelDrop((e.target as HTMLInputElement).files),
  );
  $<HTMLInputElement>('image-files').addEventListener(
    'change',
    (e) => void imageDrop((e.target as HTMLInputElement).files),
  );
  for (const [zone, handler] of [
    ['model-zone', modelDrop],
    ['image-zone', imageDrop],
  ] as const) {
    const el = $(zone);
    el.addEventListener('dragover', (e) => e.preventDefault());
    el.addEventListener('drop', (e) => {
      e.preventDefault();
      void handler(e.dataTransfer?.files ?? null);
    });
  }
  window.liederivExplorer = { state, run, version: tf.version.tfjs };
  setStatus('ready', 'ready: pick a model, an image and groups, then press Compute');
}

main().catch(showError);
