import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { datasetsDir } from '../../src/data/paths';
import { serveExplorer } from '../../src/explorer/server';
import { runHere } from '../helpers/cli';
import { openBrowser, pageLeeTable, pickGroups, textOf, waitForStatus } from './browser';

const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'liederiv.js');

describe('explorer server', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-serve-'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><p>hi</p>');
    fs.writeFileSync(path.join(dir, '.secret'), 'no');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('serves the folder on 127.0.0.1 only: files in it, nothing outside, GET/HEAD only', async () => {
    const s = await serveExplorer(dir, { port: 0 });
    try {
      assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const get = await fetch(s.url);
      assert.equal(get.status, 200);
      assert.match(get.headers.get('content-type') ?? '', /text\/html/);
      assert.equal(await get.text(), '<!doctype html><p>hi</p>');
      for (const bad of ['..%2fpackage.json', '%2e%2e/%2e%2e/etc/passwd', '.secret', 'missing.js', 'a/index.html'])
        assert.equal((await fetch(s.url + bad)).status, 404, bad);
      assert.equal((await fetch(s.url, { method: 'POST', body: 'x' })).status, 405);
      // Another server on the same port is refused with a message that names --port.
      await assert.rejects(() => serveExplorer(dir, { port: s.port }), { name: 'InputError', message: /--port/ });
    } finally {
      await s.close();
    }
  });

  it('`liederiv explore --port x` is a usage error (exit 2)', async () => {
    const r = await runHere(['explore', '--port', 'x']);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /--port must be an integer/);
    const missing = await runHere(['explore', '--port', '0', '--model', path.join(dir, 'nope')]);
    assert.equal(missing.code, 1, missing.err);
    assert.match(missing.err, /--model '.*nope': no such model\.json/);
  });

  it(
    '`liederiv explore` serves a page that computes with the chosen model and images, no request leaving the machine',
    { timeout: 600_000 },
    async () => {
      const images = path.join(dir, 'imgs');
      fs.mkdirSync(images);
      fs.copyFileSync(path.join(datasetsDir(), 'photos', 'black-canyon.jpg'), path.join(images, 'canyon.jpg'));
      const child = spawn(
        process.execPath,
        [BIN, 'explore', '--port', '0', '--model', 'mlp-mnist', '--images', images],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout.on('data', (d) => {
            out += d;
            const m = /^(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out);
            if (m) resolve(m[1]);
          });
          child.on('exit', () => reject(new Error(`explore exited before serving: ${err}`)));
        });
        const b = await openBrowser(url);
        try {
          await b.page.goto(url);
          assert.equal(await waitForStatus(b.page, ['ready', 'error']), 'ready', await textOf(b.page, '#error'));
          assert.deepEqual(await b.page.$$eval('#model option', (os: HTMLOptionElement[]) => os.map((o) => o.value)), [
            'mlp-mnist',
          ]);
          assert.deepEqual(
            await b.page.$$eval('#image option', (os: HTMLOptionElement[]) => os.map((o) => o.textContent)),
            ['canyon.jpg'],
          );
          await pickGroups(b.page, ['rotate']);
          await b.page.click('#run');
          assert.equal(await waitForStatus(b.page, ['done', 'error']), 'done', await textOf(b.page, '#error'));
          const rows = await pageLeeTable(b.page);
          assert.equal(rows.length, 1);
          assert.ok(Number(rows[0]['mean-abs']) > 0);
          assert.deepEqual(b.refused, []);
          assert.deepEqual(b.errors, []);
        } finally {
          await b.close();
        }
      } finally {
        child.kill('SIGTERM');
      }
      assert.equal(await exited, 0, `explore should stop cleanly on SIGTERM: ${err}`);
    },
  );
});
