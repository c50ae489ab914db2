/**
 * Issue 9.1, CLI: bad options exit 2 (usage error, with the synopsis), bad inputs exit 1 (the
 * library's typed error message), nothing exits with an uncaught stack trace, and a failing run
 * with --out leaves no file. The catalogue runs in-process through main(); a representative subset
 * runs as `node bin/liederiv.js` to check the real exit status and streams.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { writeNpy } from '../../src/data/npy';
import { record } from './catalogue';
import { cliFixture, runHere, runProcess } from './cliHarness';

const T = 'test/reliability/cliErrors.test.ts';
const GROUPS =
  'translate-x, translate-y, rotate, shear-x, shear-y, stretch-x, stretch-y, scale, hyperbolic-rotate, hue, saturation, brightness, contrast';

describe('CLI: bad input → clear message, exit 1 or 2, no stack trace, nothing written', () => {
  let fx: { dir: string; model: string; npy: string };
  const npyOf: Record<string, string> = {};
  before(async () => {
    await useBackend('cpu');
    fx = await cliFixture('clierrors', { zoo: 'mlp', n: 2 });
    const save = (name: string, data: Float32Array, shape: number[]) => {
      npyOf[name] = path.join(fx.dir, `${name}.npy`);
      writeNpy(npyOf[name], data, shape);
    };
    save('size32', new Float32Array(2 * 32 * 32 * 3).fill(0.5), [2, 32, 32, 3]);
    save('nan', new Float32Array(2 * 28 * 28 * 3).fill(NaN), [2, 28, 28, 3]);
    save('rgba', new Float32Array(2 * 28 * 28 * 4), [2, 28, 28, 4]);
    save('rank3', new Float32Array(28 * 28 * 3), [28, 28, 3]);
  });
  after(() => fs.rmSync(fx.dir, { recursive: true, force: true }));

  // [case, args after `lee|layerwise --model M --images I`, exit code, patterns]
  const base = () => ['--model', fx.model, '--images', fx.npy];
  const cases: Array<[string, 'lee' | 'layerwise', () => string[], number, RegExp[]]> = [
    [
      '--batch 0',
      'lee',
      () => [...base(), '--groups', 'rotate', '--batch', '0'],
      2,
      [/--batch must be an integer ≥ 1, got '0'/],
    ],
    [
      '--batch 1.5',
      'lee',
      () => [...base(), '--groups', 'rotate', '--batch', '1.5'],
      2,
      [/--batch must be an integer ≥ 1, got '1\.5'/],
    ],
    [
      '--batch abc',
      'layerwise',
      () => [...base(), '--group', 'rotate', '--batch', 'abc'],
      2,
      [/--batch must be an integer ≥ 1, got 'abc'/],
    ],
    [
      '--probes -1',
      'layerwise',
      () => [...base(), '--group', 'rotate', '--probes', '-1'],
      2,
      [/Option '--probes' argument is ambiguous/, /use '--probes=-XYZ'/],
    ],
    [
      '--probes=-1',
      'layerwise',
      () => [...base(), '--group', 'rotate', '--probes=-1'],
      2,
      [/--probes must be an integer ≥ 1, got '-1'/],
    ],
    [
      '--probes 0',
      'layerwise',
      () => [...base(), '--group', 'rotate', '--probes', '0'],
      2,
      [/--probes must be an integer ≥ 1, got '0'/],
    ],
    [
      '--seed=-1',
      'layerwise',
      () => [...base(), '--group', 'rotate', '--seed=-1'],
      2,
      [/--seed must be an integer ≥ 0, got '-1'/],
    ],
    [
      'unknown group',
      'lee',
      () => [...base(), '--groups', 'rotate,spin'],
      2,
      [new RegExp(`unknown group 'spin'; valid: ${GROUPS}, or 'all'`)],
    ],
    [
      'unknown group (layerwise)',
      'layerwise',
      () => [...base(), '--group', 'Rotate'],
      2,
      [new RegExp(`unknown group 'Rotate'; valid: ${GROUPS}`)],
    ],
    [
      'empty --groups',
      'lee',
      () => [...base(), '--groups', ','],
      2,
      [/--groups must list at least one group or be 'all'/],
    ],
    [
      'unknown backend',
      'lee',
      () => [...base(), '--groups', 'rotate', '--backend', 'gpu'],
      2,
      [/unknown --backend value 'gpu'; valid: auto, tensorflow, webgpu, wasm, cpu/],
    ],
    [
      'unknown reduction',
      'lee',
      () => [...base(), '--groups', 'rotate', '--reduction', 'max'],
      2,
      [/unknown --reduction value 'max'; valid: mean-abs, mean-sq, l2, sq-l2/],
    ],
    [
      'unknown difference',
      'layerwise',
      () => [...base(), '--group', 'rotate', '--difference', 'backward'],
      2,
      [/unknown --difference value 'backward'; valid: central, forward, gaussian/],
    ],
    [
      'unknown method',
      'lee',
      () => [...base(), '--groups', 'rotate', '--method', 'auto'],
      2,
      [/unknown --method value 'auto'; valid: forward, double-vjp, fd/],
    ],
    [
      'unknown format',
      'lee',
      () => [...base(), '--groups', 'rotate', '--format', 'xml'],
      2,
      [/unknown --format value 'xml'; valid: csv, json/],
    ],
    [
      'unknown layerwise output',
      'layerwise',
      () => [...base(), '--group', 'rotate', '--output', 'emb'],
      1,
      [/unknown layer 'emb'; valid: .*logits/],
    ],
    ['unknown option', 'lee', () => [...base(), '--groups', 'rotate', '--bogus'], 2, [/Unknown option '--bogus'/]],
    [
      'missing --images',
      'lee',
      () => ['--model', fx.model, '--groups', 'rotate'],
      2,
      [/missing required option --images/],
    ],
    [
      '--out in a missing folder',
      'lee',
      () => [...base(), '--groups', 'rotate', '--out', path.join(fx.dir, 'no', 'r.csv')],
      2,
      [/--out '.*r\.csv': folder '.*no' does not exist/],
    ],
    [
      '--out is a folder',
      'lee',
      () => [...base(), '--groups', 'rotate', '--out', fx.dir],
      2,
      [/--out '.*' is a directory; expected a file path/],
    ],
    [
      'output layer that does not exist',
      'lee',
      () => [...base(), '--groups', 'rotate', '--output', 'embedding', '--backend', 'cpu'],
      1,
      [/unknown layer 'embedding'; valid: .*, logits, probs/],
    ],
    [
      'images of the wrong size',
      'lee',
      () => ['--model', fx.model, '--images', npyOf.size32, '--groups', 'rotate', '--backend', 'cpu'],
      1,
      [/model 'mlp' expects 28×28 images, got 32×32/],
    ],
    [
      'images of the wrong size (layerwise)',
      'layerwise',
      () => ['--model', fx.model, '--images', npyOf.size32, '--group', 'rotate', '--backend', 'cpu'],
      1,
      [/layerwise: model 'mlp' expects 28×28 images, got 32×32/],
    ],
    [
      'NaN pixels in .npy',
      'lee',
      () => ['--model', fx.model, '--images', npyOf.nan, '--groups', 'rotate', '--backend', 'cpu'],
      1,
      [/nan\.npy: contains NaN at flat index 0; expected finite RGB values in \[0, 1\]/],
    ],
    [
      'RGBA .npy',
      'layerwise',
      () => ['--model', fx.model, '--images', npyOf.rgba, '--group', 'rotate', '--backend', 'cpu'],
      1,
      [
        /rgba\.npy: expected images of shape \(N, H, W, 3\) \(NHWC RGB\) or \(N, H, W, 1\) \(grey\), got \(2, 28, 28, 4\) — RGBA\?/,
      ],
    ],
    [
      'rank-3 .npy (one image)',
      'lee',
      () => ['--model', fx.model, '--images', npyOf.rank3, '--groups', 'rotate', '--backend', 'cpu'],
      1,
      [
        /rank3\.npy: expected images of shape \(N, H, W, 3\) \(NHWC RGB\) or \(N, H, W, 1\) \(grey\), got \(28, 28, 3\) — one image\? add the batch axis/,
      ],
    ],
    [
      '--images not .npy nor folder',
      'lee',
      () => ['--model', fx.model, '--images', fx.model, '--groups', 'rotate', '--backend', 'cpu'],
      1,
      [/--images must be a \.npy file or a folder of images, got '.*model\.json'/],
    ],
    [
      'model path that does not exist',
      'lee',
      () => ['--model', path.join(fx.dir, 'nope'), '--images', fx.npy, '--groups', 'rotate', '--backend', 'cpu'],
      1,
      [/nope: model\.json not found/],
    ],
    [
      '.npy given as --model',
      'lee',
      () => ['--model', fx.npy, '--images', fx.npy, '--groups', 'rotate', '--backend', 'cpu'],
      1,
      [/images\.npy: not a JSON file \(binary content\)/],
    ],
  ];

  for (const [name, command, args, code, patterns] of cases) {
    it(`${command} ${name} → exit ${code}`, async () => {
      const out = path.join(fx.dir, `out-${name.replace(/\W+/g, '-')}.csv`);
      const withOut = args().includes('--out') ? args() : [...args(), '--out', out];
      const r = await runHere([command, ...withOut]);
      assert.equal(r.code, code, `${name}: ${r.err}`);
      for (const p of patterns) assert.match(r.err, p, name);
      assert.match(
        r.err,
        code === 2
          ? new RegExp(`^liederiv ${command}: .*\\nusage: liederiv ${command} `, 's')
          : new RegExp(`liederiv ${command}: error: `),
        'prefixed message',
      );
      assert.doesNotMatch(r.err, /UNCAUGHT|\n\s+at /, 'no stack trace');
      assert.equal(fs.existsSync(out), false, 'nothing written to --out');
      assert.equal(r.out, '', 'nothing on stdout');
      record({
        area: 'CLI',
        case: name,
        trigger: `liederiv ${command} ${args()
          .map((a) => (a.startsWith(fx.dir) ? path.relative(fx.dir, a) || '$TMP' : a))
          .join(' ')}`,
        outcome: `exit ${code}`,
        message: r.err.split('\n').find((l) => l.startsWith(`liederiv ${command}:`)) ?? r.err,
        test: T,
      });
    });
  }

  it('as a process (node bin/liederiv.js): exit codes 2 / 1 / 0 and no stack trace', () => {
    const corrupt = path.join(fx.dir, 'corrupt');
    fs.mkdirSync(corrupt);
    fs.writeFileSync(
      path.join(corrupt, 'model.json'),
      '{"modelTopology": {"class_name": "Sequential", "config": {"layers": [{"class_name": "Evil", "config": {}}]}}, "weightsManifest": []}',
    );
    const runs: Array<[string[], number, RegExp]> = [
      [
        ['lee', '--model', fx.model, '--images', fx.npy, '--groups', 'rotate', '--batch', '0'],
        2,
        /--batch must be an integer ≥ 1, got '0'/,
      ],
      [
        ['lee', '--model', corrupt, '--images', fx.npy, '--groups', 'rotate', '--backend', 'cpu'],
        1,
        /cannot build the LayersModel it describes: unknown layer class 'Evil'/,
      ],
      [
        ['layerwise', '--model', fx.model, '--images', npyOf.nan, '--group', 'rotate', '--backend', 'cpu'],
        1,
        /contains NaN at flat index 0/,
      ],
      [['nosuchcommand'], 2, /unknown command 'nosuchcommand'; valid: lee, layerwise, /],
      [
        ['lee', '--model', fx.model, '--images', fx.npy, '--groups', 'rotate', '--backend', 'cpu'],
        0,
        /lee: 2\/2 images/,
      ],
    ];
    for (const [args, code, pattern] of runs) {
      const r = runProcess(args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, pattern);
      assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
    }
  });

  it('CLI runs leave no tensors behind, failing or not (the command disposes the model it loaded)', async () => {
    const before = tf.memory().numTensors;
    for (const images of [npyOf.size32, fx.npy]) {
      await runHere(['lee', '--model', fx.model, '--images', images, '--groups', 'rotate', '--backend', 'cpu']);
      await runHere(['layerwise', '--model', fx.model, '--images', images, '--group', 'rotate', '--backend', 'cpu']);
    }
    await runHere(['lee', '--model', fx.model, '--images', npyOf.nan, '--groups', 'rotate', '--backend', 'cpu']);
    assert.equal(tf.memory().numTensors, before);
  });
});
