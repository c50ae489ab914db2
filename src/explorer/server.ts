/**
 * A static file server for a built explorer folder (src/explorer/build.ts), bound to 127.0.0.1
 * only: Node's http module, GET/HEAD of files directly in the folder, nothing else (no listing,
 * no path that leaves it, no other method).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { InputError } from '../errors';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.css': 'text/css',
};

export interface ExplorerServer {
  /** http://127.0.0.1:PORT/ */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `dir` on 127.0.0.1:`port` (0: a free port). Resolves once listening; rejects with
 * InputError when the port is taken or not allowed (the message names `--port`).
 */
export function serveExplorer(dir: string, { port = 0 }: { port?: number } = {}): Promise<ExplorerServer> {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const send = (code: number, body: string) => {
      res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'only GET and HEAD\n');
    let name: string;
    try {
      name =
        decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname).replace(/^\/+/, '') || 'index.html';
    } catch {
      return send(400, 'bad path\n');
    }
    // Only files directly in the folder: no separators, no dot-files.
    if (name.includes('/') || name.includes('\\') || name.startsWith('.')) return send(404, 'not found\n');
    const file = path.join(root, name);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return send(404, 'not found\n');
    res.writeHead(200, {
      'content-type': TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new InputError(
          `cannot listen on 127.0.0.1:${port} (${err.code ?? err.message}); pick another --port (0 = any free port)`,
        ),
      );
    });
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${addr.port}/`,
        port: addr.port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
