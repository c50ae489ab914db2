import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildExplorer } from '../../explorer/build';
import { serveExplorer } from '../../explorer/server';
import { intOption, type CliIO, type Command } from '../command';

const USAGE = `liederiv explore [--port N] [--model M] [--images DIR]

  Builds the interactive explorer (the numerical core of liederiv running in the browser: groups,
  image tangents, forward-mode JVP, LEE, layerwise) and serves it on http://127.0.0.1:N/ only.
  Open the printed URL; Ctrl-C stops it. The page needs no network.

  --port    port on 127.0.0.1 (default 8421; 0 = any free port)
  --model   a model.json, a model folder or a bundled model name (datasets/models/*), preselected;
            repeatable; default: every bundled model. Other models can be dropped into the page.
  --images  a folder of JPEG/PNG images offered in the page; default: ten MNIST digits and the
            bundled photos (datasets/photos). Own images can be dropped into the page.

  The same page without a server: npm run build:explorer, then open out/explorer/index.html.`;

/** Waits for SIGINT/SIGTERM (or `stop`, for tests) and resolves. */
function untilStopped(stop?: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    void stop?.then(done);
  });
}

export const exploreCommand: Command & { stop?: Promise<void> } = {
  name: 'explore',
  summary: 'Serve the interactive explorer (Lie derivatives in the browser) on 127.0.0.1',
  usage: USAGE,
  options: { port: { type: 'string' }, model: { type: 'string', multiple: true }, images: { type: 'string' } },
  async run(values, io: CliIO) {
    const port = intOption(values, 'port', 8421, { min: 0 });
    const models = Array.isArray(values.model)
      ? values.model
      : typeof values.model === 'string'
        ? [values.model]
        : undefined;
    const images = typeof values.images === 'string' && values.images !== '' ? values.images : undefined;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-explore-'));
    try {
      io.stderr.write('explore: building the page…\n');
      await buildExplorer(dir, { models, images });
      const server = await serveExplorer(dir, { port });
      io.stderr.write(`explore: serving on ${server.url} (127.0.0.1 only; Ctrl-C stops)\n`);
      io.stdout.write(`${server.url}\n`);
      await untilStopped(exploreCommand.stop);
      await server.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
