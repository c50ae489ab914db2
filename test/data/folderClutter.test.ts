/**
 * Image folders as users' machines leave them (issue 15, case appledouble-folder and its kind):
 * macOS AppleDouble `._*` files, `.DS_Store`, `__MACOSX` from zip archives, Windows `Thumbs.db` and
 * `desktop.ini`, Jupyter's `.ipynb_checkpoints` — skipped like dot-folders, flat or in class folders.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { isIgnoredEntry, loadImageFolder } from '../../src/data/imageFolder';
import { makePng } from '../helpers/imageFiles';

const CASE = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'cases', 'appledouble-folder', 'imgs');

/** What macOS writes as `._name`: an AppleDouble header (magic 0x00051607), not an image. */
const appleDouble = () => Buffer.concat([Buffer.from([0, 5, 22, 7, 0, 2, 0, 0]), Buffer.alloc(4088)]);

describe('image folders: OS and tool clutter is skipped', () => {
  let dir: string;
  before(async () => {
    await useBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-clutter-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('case appledouble-folder: digit.png beside ._digit.png → 1 image measured', () => {
    const { images, files } = loadImageFolder(CASE, { size: [28, 28] });
    assert.deepEqual(files, ['digit.png']);
    assert.deepEqual(images.shape, [1, 28, 28, 3]);
    images.dispose();
  });

  it('flat folder: every kind of clutter beside two images, including clutter named like an image', () => {
    const flat = path.join(dir, 'flat');
    fs.mkdirSync(flat);
    const png = makePng(4, 4, 2, () => [10, 200, 30, 255]);
    fs.writeFileSync(path.join(flat, 'a.png'), png);
    fs.writeFileSync(path.join(flat, 'b.PNG'), png);
    fs.writeFileSync(path.join(flat, '._a.png'), appleDouble());
    fs.writeFileSync(path.join(flat, '._b.PNG'), appleDouble());
    fs.writeFileSync(path.join(flat, '.DS_Store'), Buffer.from('Bud1'));
    fs.writeFileSync(path.join(flat, '.hidden.jpg'), 'not a jpeg');
    fs.writeFileSync(path.join(flat, 'Thumbs.db'), Buffer.alloc(512));
    fs.writeFileSync(path.join(flat, 'desktop.ini'), '[.ShellClassInfo]');
    fs.mkdirSync(path.join(flat, '.ipynb_checkpoints'));
    fs.writeFileSync(path.join(flat, '.ipynb_checkpoints', 'a-checkpoint.png'), png);
    // A flat folder whose only subfolders are clutter stays flat (no class folders).
    fs.mkdirSync(path.join(flat, '__MACOSX'));
    fs.writeFileSync(path.join(flat, '__MACOSX', '._a.png'), appleDouble());
    const { images, files, labels, classNames } = loadImageFolder(flat, { size: [4, 4] });
    assert.deepEqual(files, ['a.png', 'b.PNG']);
    assert.equal(labels, undefined);
    assert.equal(classNames, undefined);
    images.dispose();
  });

  it('class folders: clutter inside each class and at the top is skipped; clutter folders are not classes', () => {
    const root = path.join(dir, 'classes');
    const png = makePng(4, 4, 2, () => [200, 20, 30, 255]);
    for (const cls of ['cat', 'dog']) {
      fs.mkdirSync(path.join(root, cls), { recursive: true });
      fs.writeFileSync(path.join(root, cls, `${cls}1.png`), png);
      fs.writeFileSync(path.join(root, cls, `._${cls}1.png`), appleDouble());
      fs.writeFileSync(path.join(root, cls, '.DS_Store'), 'Bud1');
      fs.writeFileSync(path.join(root, cls, 'Thumbs.db'), Buffer.alloc(64));
      fs.mkdirSync(path.join(root, cls, '.ipynb_checkpoints'));
      fs.writeFileSync(path.join(root, cls, '.ipynb_checkpoints', 'x.png'), png);
    }
    for (const junk of ['.ipynb_checkpoints', '__MACOSX', '.git', '$RECYCLE.BIN']) {
      fs.mkdirSync(path.join(root, junk));
      fs.writeFileSync(path.join(root, junk, 'x.png'), png);
    }
    fs.writeFileSync(path.join(root, '._cat'), appleDouble());
    const { images, files, labels, classNames } = loadImageFolder(root, { size: [4, 4] });
    assert.deepEqual(classNames, ['cat', 'dog']);
    assert.deepEqual(files, [path.join('cat', 'cat1.png'), path.join('dog', 'dog1.png')]);
    assert.deepEqual(labels, [0, 1]);
    images.dispose();
  });

  it('isIgnoredEntry: the names, case-insensitively; ordinary names are kept', () => {
    for (const n of [
      '._x.png',
      '.DS_Store',
      '.ipynb_checkpoints',
      '__MACOSX',
      'Thumbs.db',
      'thumbs.db',
      'desktop.ini',
      'Desktop.ini',
      '$RECYCLE.BIN',
      'System Volume Information',
    ]) {
      assert.equal(isIgnoredEntry(n), true, n);
    }
    for (const n of ['x.png', 'cat', '_x.png', 'thumbs.png', 'macosx']) assert.equal(isIgnoredEntry(n), false, n);
  });
});
