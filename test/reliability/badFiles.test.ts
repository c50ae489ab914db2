/**
 * Issue 9.1, files: missing, truncated or corrupt model.json / weights / sidecar / .npy / image
 * files → FileFormatError naming the file, through the library (loadModel, loadImagesNpy,
 * loadImageFolder) and the CLI (exit 1, the same message, no stack trace, no output file).
 * Loading never executes code from the model's files (the JS-looking strings case).
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { loadImageFolder } from '../../src/data/imageFolder';
import { loadImagesNpy, writeNpy } from '../../src/data/npy';
import { FileFormatError, InputError } from '../../src/errors';
import { loadModel, saveModel } from '../../src/models/load';
import { buildZooModel } from '../../src/models/zoo';
import { expectError, record } from './catalogue';
import { runHere } from './cliHarness';
import { classNamesOf } from '../helpers/classes';

const T = 'test/reliability/badFiles.test.ts';

type Mutation = (dir: string) => void;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each case edits a different part of a parsed model.json
type ParsedJson = any;
const editJson =
  (f: (j: ParsedJson) => void): Mutation =>
  (dir) => {
    const file = path.join(dir, 'model.json');
    const j = JSON.parse(fs.readFileSync(file, 'utf8'));
    f(j);
    fs.writeFileSync(file, JSON.stringify(j));
  };

describe('bad files → FileFormatError naming the file (library and CLI)', () => {
  let root: string;
  let good: string;
  let npy: string;
  before(async () => {
    await useBackend('cpu');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-badfiles-'));
    good = path.join(root, 'good');
    const net = buildZooModel('mlp', { seed: 2 });
    await saveModel(net, good, { name: 'mlp', classNames: classNamesOf(net) });
    net.dispose();
    npy = path.join(root, 'images.npy');
    const x = tf.randomUniform([2, 28, 28, 3], 0, 1, 'float32', 2);
    writeNpy(npy, x.dataSync() as Float32Array, x.shape);
    x.dispose();
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  /** A copy of the good model with one thing broken. */
  function broken(name: string, mutate: Mutation): string {
    const dir = path.join(root, name);
    fs.cpSync(good, dir, { recursive: true });
    mutate(dir);
    return path.join(dir, 'model.json');
  }

  // [case, how, mutation, file the message names ('model.json' | 'weights.bin' | 'liederiv.json'), patterns]
  const modelCases: Array<[string, string, Mutation, string, RegExp[]]> = [
    [
      'missing model.json',
      'rm model.json',
      (d) => fs.rmSync(path.join(d, 'model.json')),
      'model.json',
      [/model\.json not found/],
    ],
    [
      'empty model.json',
      'truncate to 0 bytes',
      (d) => fs.writeFileSync(path.join(d, 'model.json'), ''),
      'model.json',
      [/not valid JSON/],
    ],
    [
      'truncated model.json',
      'first half of the file',
      (d) => {
        const f = path.join(d, 'model.json');
        const t = fs.readFileSync(f, 'utf8');
        fs.writeFileSync(f, t.slice(0, t.length >> 1));
      },
      'model.json',
      [/not valid JSON \(/],
    ],
    [
      'binary file as model.json',
      '.npy bytes as model.json',
      (d) => fs.copyFileSync(npy, path.join(d, 'model.json')),
      'model.json',
      [/not a JSON file \(binary content\)/],
    ],
    [
      'JSON that is not a model',
      '{"hello": 1}',
      (d) => fs.writeFileSync(path.join(d, 'model.json'), '{"hello": 1}'),
      'model.json',
      [/not a TF\.js model\.json \(no modelTopology\)/],
    ],
    [
      'no weightsManifest',
      'delete weightsManifest',
      editJson((j) => delete j.weightsManifest),
      'model.json',
      [
        /weightsManifest must be an array of \{paths, weights\}, got none \(without it the model would run with random initial weights\)/,
      ],
    ],
    [
      'unknown layer class',
      "class_name 'Evil'",
      editJson((j) => (j.modelTopology.config.layers[1].class_name = 'Evil')),
      'model.json',
      [/cannot build the LayersModel it describes: unknown layer class 'Evil'/],
    ],
    [
      'bad layer config',
      "units: 'abc'",
      editJson((j) => (j.modelTopology.config.layers[2].config.units = 'abc')),
      'model.json',
      [/cannot build the LayersModel it describes: /],
    ],
    [
      'weight name not in the model',
      "weights[0].name = 'nope/kernel'",
      editJson((j) => (j.weightsManifest[0].weights[0].name = 'nope/kernel')),
      'model.json',
      [/cannot build the LayersModel it describes: Provided weight data has no target variable: nope\/kernel/],
    ],
    [
      'weight shape differs from the manifest',
      'weights[0].shape changed',
      editJson((j) => (j.weightsManifest[0].weights[0].shape = [2352, 95])),
      'model.json',
      [/weight files hold \d+ bytes but the manifest describes \d+; are they from another model\?/],
    ],
    [
      'missing weight file',
      'rm weights.bin',
      (d) => fs.rmSync(path.join(d, 'weights.bin')),
      'weights.bin',
      [/weight file named in model\.json is missing/],
    ],
    [
      'truncated weights',
      'weights.bin cut to 1000 bytes',
      (d) => fs.truncateSync(path.join(d, 'weights.bin'), 1000),
      'model.json',
      [/weights are truncated: 1000 bytes, the manifest needs \d+/],
    ],
    [
      'weights longer than the manifest',
      'weights.bin twice',
      (d) => fs.appendFileSync(path.join(d, 'weights.bin'), fs.readFileSync(path.join(d, 'weights.bin'))),
      'model.json',
      [/weight files hold \d+ bytes but the manifest describes \d+/],
    ],
    [
      'weight path outside the model folder',
      "paths: ['../../../etc/passwd']",
      editJson((j) => (j.weightsManifest[0].paths = ['../../../etc/passwd'])),
      'model.json',
      [/weight path '\.\.\/\.\.\/\.\.\/etc\/passwd' leaves the model's folder/],
    ],
    [
      'corrupt sidecar',
      'liederiv.json = \'{"name":\'',
      (d) => fs.writeFileSync(path.join(d, 'liederiv.json'), '{"name":'),
      'liederiv.json',
      [/not valid JSON/],
    ],
    [
      'bad sidecar inputSize',
      'inputSize [0, 28]',
      (d) => fs.writeFileSync(path.join(d, 'liederiv.json'), '{"inputSize": [0, 28]}'),
      'liederiv.json',
      [/inputSize must be \[height, width\], got \[0,28\]/],
    ],
  ];

  for (const [name, how, mutate, file, patterns] of modelCases) {
    it(`model: ${name} → FileFormatError naming ${file}; CLI exit 1, same message, no output file`, async () => {
      const json = broken(name.replace(/\W+/g, '-'), mutate);
      const named = new RegExp(`${path.join(path.dirname(json), file).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `);
      await expectError(
        { area: 'model files', case: name, trigger: `loadModel(dir) with ${how}`, test: T },
        () => loadModel(json),
        FileFormatError,
        [named, ...patterns],
      );
      const out = path.join(root, `${name.replace(/\W+/g, '-')}.csv`);
      const r = await runHere([
        'lee',
        '--model',
        json,
        '--images',
        npy,
        '--groups',
        'rotate',
        '--backend',
        'cpu',
        '--out',
        out,
      ]);
      assert.equal(r.code, 1, r.err);
      for (const p of [named, ...patterns]) assert.match(r.err, p);
      assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
      assert.equal(fs.existsSync(out), false, 'no output file for a run that failed before its first batch');
    });
  }

  it('model.json whose strings look like code: loads as data, nothing is executed', async () => {
    const marker = path.join(root, 'PWNED');
    const json = broken(
      'js-strings',
      editJson((j) => {
        j.modelTopology.config.name = `require('child_process').execSync('touch ${marker}')`;
        j.modelTopology.config.layers[2].config.activation = `relu'); require('fs').writeFileSync('${marker}', 'x'); ('`;
        j.generatedBy = '${process.exit(3)}';
        j.userDefinedMetadata = { onload: `(() => require('fs').writeFileSync('${marker}', 'x'))()` };
      }),
    );
    // The activation string is looked up in tfjs's registry (an unknown name), never evaluated.
    await expectError(
      {
        area: 'safety',
        case: 'JS-looking strings in model.json',
        trigger: 'execSync/writeFileSync/${…} strings as model name, activation, generatedBy, metadata',
        test: T,
      },
      () => loadModel(json),
      FileFormatError,
      [/cannot build the LayersModel it describes: /],
    );
    assert.equal(fs.existsSync(marker), false, 'code from model.json ran');
    // Without the bad activation it loads, with the code-like name as plain data.
    const json2 = broken(
      'js-strings-2',
      editJson((j) => {
        j.modelTopology.config.name = `require('child_process').execSync('touch ${marker}')`;
        j.userDefinedMetadata = { onload: `(() => require('fs').writeFileSync('${marker}', 'x'))()` };
      }),
    );
    const m = await loadModel(json2);
    assert.equal(m.name, 'mlp', 'the sidecar name wins');
    assert.equal((m.net as tf.LayersModel).name, `require('child_process').execSync('touch ${marker}')`);
    assert.equal(fs.existsSync(marker), false, 'code from model.json ran');
    m.net.dispose();
    record({
      area: 'safety',
      case: 'JS-looking strings in model.json (valid otherwise)',
      trigger: 'model name and userDefinedMetadata hold require(...) code',
      outcome: 'loads; strings kept as data',
      message: 'marker file not created',
      test: T,
    });
  });

  it('.npy: missing, not .npy, truncated header/data, wrong dtype, wrong shape → named errors (library and CLI)', async () => {
    const bytes = fs.readFileSync(npy);
    const write = (name: string, b: Buffer | string) => {
      const f = path.join(root, name);
      fs.writeFileSync(f, b);
      return f;
    };
    const int32 = Buffer.from(bytes);
    int32.write("'<i4'", bytes.indexOf("'<f4'"), 'latin1');
    const cases: Array<[string, string, string, new (...a: any[]) => Error, RegExp[]]> = [
      [
        'missing .npy',
        'no such file',
        path.join(root, 'missing.npy'),
        FileFormatError,
        [/missing\.npy: file not found/],
      ],
      [
        'empty .npy',
        '0 bytes',
        write('empty.npy', ''),
        FileFormatError,
        [/empty\.npy: not a \.npy file \(expected the magic bytes \\x93NUMPY, got ""\)/],
      ],
      [
        'text file as .npy',
        '"hello world"',
        write('text.npy', 'hello world, not numpy'),
        FileFormatError,
        [/text\.npy: not a \.npy file/],
      ],
      [
        'truncated .npy header',
        'first 50 bytes',
        write('header.npy', bytes.subarray(0, 50)),
        FileFormatError,
        [/header\.npy: truncated: the header claims \d+ bytes but the file has 50/],
      ],
      [
        'truncated .npy data',
        'last 100 bytes cut',
        write('data.npy', bytes.subarray(0, bytes.length - 100)),
        FileFormatError,
        [/data\.npy: truncated: shape \(2, 28, 28, 3\) float32 needs 18816 data bytes, found 18716/],
      ],
      [
        '.npy of int32',
        "descr '<i4'",
        write('int32.npy', int32),
        FileFormatError,
        [
          /int32\.npy: unsupported dtype '<i4' \(int32\); expected float32 \('<f4'\), uint8 \('\|u1'\) or float64 \('<f8'\)/,
        ],
      ],
    ];
    // A grey (N, H, W, 1) .npy is an image batch now (the measured model adapts it): it loads.
    writeNpy(path.join(root, 'grey.npy'), new Float32Array(2 * 28 * 28), [2, 28, 28, 1]);
    const grey = loadImagesNpy(path.join(root, 'grey.npy'));
    assert.deepEqual(grey.shape, [2, 28, 28, 1]);
    grey.dispose();
    writeNpy(path.join(root, 'u255.npy'), new Float32Array(2 * 28 * 28 * 3).fill(128), [2, 28, 28, 3]);
    writeNpy(path.join(root, 'empty-batch.npy'), new Float32Array(0), [0, 28, 28, 3]);
    cases.push(
      [
        '0–255 floats in .npy',
        'float32 filled with 128',
        path.join(root, 'u255.npy'),
        InputError,
        [/u255\.npy: float32 images must be in \[0, 1\], got values in \[128, 128\] \(0–255 values stored as float\?/],
      ],
      [
        'empty batch .npy',
        '(0, 28, 28, 3)',
        path.join(root, 'empty-batch.npy'),
        InputError,
        [/empty-batch\.npy: empty image batch \(0, 28, 28, 3\)/],
      ],
    );
    for (const [name, how, file, type, patterns] of cases) {
      await expectError(
        { area: '.npy files', case: name, trigger: `loadImagesNpy(file) with ${how}`, test: T },
        () => loadImagesNpy(file),
        type,
        patterns,
      );
      const r = await runHere(['lee', '--model', good, '--images', file, '--groups', 'rotate', '--backend', 'cpu']);
      // A missing --images path is caught by the CLI before reading, with the option's name.
      const cliPatterns = name === 'missing .npy' ? [/--images '.*missing\.npy' does not exist/] : patterns;
      assert.equal(r.code, 1, `${name}: ${r.err}`);
      for (const p of cliPatterns) assert.match(r.err, p, name);
      assert.equal(r.out, '', `${name}: nothing on stdout`);
    }
  });

  it('image folders: corrupt PNG/JPEG, non-image bytes, no images → FileFormatError/InputError naming the file', async () => {
    const folder = (name: string, files: Record<string, Buffer | string>) => {
      const d = path.join(root, name);
      fs.mkdirSync(d, { recursive: true });
      for (const [f, b] of Object.entries(files)) fs.writeFileSync(path.join(d, f), b);
      return d;
    };
    const cases: Array<[string, string, string, new (...a: any[]) => Error, RegExp[]]> = [
      [
        'corrupt PNG',
        'PNG signature + 5 bytes',
        folder('png', { 'a.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5]) }),
        FileFormatError,
        [/a\.png: corrupt PNG: /],
      ],
      [
        'corrupt JPEG',
        'JPEG SOI + garbage',
        folder('jpg', { 'b.jpg': Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3]) }),
        FileFormatError,
        [/b\.jpg: corrupt JPEG: /],
      ],
      [
        'text file named .jpg',
        '"not a jpeg"',
        folder('txt', { 'c.jpg': 'not a jpeg' }),
        FileFormatError,
        [/c\.jpg: not a JPEG or PNG file \(first bytes 6e 6f 74 20; extension \.jpg\)/],
      ],
      [
        'folder without images',
        'only notes.txt',
        folder('none', { 'notes.txt': 'hi' }),
        InputError,
        [/no \.jpg\/\.jpeg\/\.png files found in '.*none'/],
      ],
    ];
    const tensorsBefore = tf.memory().numTensors;
    for (const [name, how, dir, type, patterns] of cases) {
      await expectError(
        { area: 'image files', case: name, trigger: `loadImageFolder(dir) with ${how}`, test: T },
        () => loadImageFolder(dir, { size: [28, 28] }),
        type,
        patterns,
      );
      const r = await runHere(['lee', '--model', good, '--images', dir, '--groups', 'rotate', '--backend', 'cpu']);
      assert.equal(r.code, 1, `${name}: ${r.err}`);
      for (const p of patterns) assert.match(r.err, p, name);
    }
    assert.equal(tf.memory().numTensors, tensorsBefore, 'a failed decode leaves no tensors behind');
  });
});
