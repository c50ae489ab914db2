import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  existsSync,
  listTree,
  putFile,
  readdirSync,
  readFileSync,
  removeTree,
  statSync,
  writeFileSync,
} from '../../src/explorer/browser/fs';

// The page's stand-in for node:fs: the loaders (loadModel, loadImageFolder) rely on these answers.
describe('explorer in-memory fs', () => {
  it('answers the reads loadModel and loadImageFolder make, with Node error codes', () => {
    putFile('/t/a/model.json', new TextEncoder().encode('{"x":1}'));
    putFile('/t/a/sub/img.png', new Uint8Array([1, 2, 3]));
    assert.equal(existsSync('/t/a'), true);
    assert.equal(existsSync('/t/a/../a/model.json'), true);
    assert.equal(existsSync('/t/b'), false);
    assert.equal(statSync('/t/a').isDirectory(), true);
    assert.equal(statSync('/t/a/model.json').isFile(), true);
    assert.equal(readFileSync('/t/a/model.json', 'utf8'), '{"x":1}');
    assert.deepEqual([...(readFileSync('/t/a/sub/img.png') as Uint8Array)], [1, 2, 3]);
    const entries = readdirSync('/t/a', { withFileTypes: true }) as Array<{ name: string; isDirectory(): boolean }>;
    assert.deepEqual(
      entries.map((e) => [e.name, e.isDirectory()]),
      [
        ['model.json', false],
        ['sub', true],
      ],
    );
    assert.throws(() => readFileSync('/t/a/weights.bin'), { code: 'ENOENT' });
    assert.throws(() => readFileSync('/t/a'), { code: 'EISDIR' });
    assert.throws(() => statSync('/nope'), { code: 'ENOENT' });
    assert.throws(() => writeFileSync(), /not available in the browser/);
    removeTree('/t/a/sub');
    assert.deepEqual(listTree('/t'), ['/t/a/model.json']);
    removeTree('/t');
  });
});
