#!/usr/bin/env node
// `npm run jupyter`: Debian's Jupyter Notebook with the project-local TypeScript kernel (JUPYTER_PATH=jupyter/).
// As root (containers, CI shells) Jupyter refuses to start without --allow-root, so it is added when
// the uid is 0; without a display no browser can open, so --no-browser, and the URL (with its token)
// is printed on a line of its own. Extra arguments are passed through: npm run jupyter -- --port 9999
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** The command line for a user `uid` in environment `env`, with the user's `extra` arguments. */
function jupyterCommand(uid, env, extra = []) {
  const args = ['-m', 'notebook'];
  if (uid === 0 && !extra.includes('--allow-root')) args.push('--allow-root');
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY && process.platform === 'linux' && !extra.includes('--no-browser'))
    args.push('--no-browser');
  args.push(...extra);
  return {
    command: env.LIEDERIV_JUPYTER_PYTHON || '/usr/bin/python3',
    args,
    env: { ...env, JUPYTER_PATH: path.join(ROOT, 'jupyter') },
  };
}

/** The first http(s) URL with a token (or the first URL) in Jupyter's log text, else undefined. */
function serverUrl(text) {
  const urls = text.match(/https?:\/\/[^\s]+/g) || [];
  return urls.find((u) => /token=/.test(u)) || urls[0];
}

module.exports = { jupyterCommand, serverUrl };

if (require.main === module) {
  const uid = typeof process.getuid === 'function' ? process.getuid() : -1;
  const { command, args, env } = jupyterCommand(uid, process.env, process.argv.slice(2));
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['inherit', 'inherit', 'pipe'] });
  let seen = '';
  let printed = false;
  child.stderr.on('data', (d) => {
    process.stderr.write(d);
    if (printed) return;
    seen += d;
    const url = serverUrl(seen);
    if (url && /token=|\/tree/.test(url)) {
      printed = true;
      process.stdout.write(
        `\nliederiv: Jupyter is running — open ${url}\n  (kernel "TypeScript (liederiv)"; notebooks in notebooks/; Ctrl-C to stop)\n\n`,
      );
    }
  });
  child.on('error', (err) => {
    console.error(
      `liederiv: cannot start Jupyter with ${command} (${err.message}); install Debian's jupyter-notebook (environment.md)`,
    );
    process.exitCode = 1;
  });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
  for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s));
}
