// Starts the project's own tslab (node_modules/tslab) with the repository root as working directory,
// so notebooks import './src/...' wherever they live and no global `tslab install` is needed.
// With LIEDERIV_KERNEL_LOG set, uncaught errors (timers, promises) are also appended to that file as
// JSON lines: tslab only prints them to the kernel's stderr, and the notebook runner must see them.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..', '..');
process.chdir(root);

const log = process.env.LIEDERIV_KERNEL_LOG;
if (log) {
  const record = (kind) => (err) => {
    const message = err && err.stack ? err.stack : String(err);
    fs.appendFileSync(log, JSON.stringify({ kind, time: Date.now() / 1000, message }) + '\n');
  };
  process.on('uncaughtException', record('uncaughtException'));
  process.on('unhandledRejection', record('unhandledRejection'));
}

// tslab's compiler polls the .ts files a notebook imports; an edit to one of them while the kernel
// runs leaves a rebuild timer pending and the next cell fails with "Unexpected pending rebuildTimer".
// Node caches the modules anyway (an edit needs a kernel restart to take effect), so stop the polling.
const ts = require(path.join(root, 'node_modules', '@tslab', 'typescript-for-tslab'));
const noWatch = () => ({ close() {} });
ts.sys.watchFile = noWatch;
ts.sys.watchDirectory = noWatch;

// Folder imports ('../groups' → '../groups/index') inside src/, see folderImports.js.
require('./folderImports').install(root);

const connectionFile = process.argv[2];
if (!connectionFile) {
  console.error('usage: launch.js <connection_file>');
  process.exit(2);
}
require(path.join(root, 'node_modules', 'tslab', 'dist', 'main.js')).startKernel({
  configPath: connectionFile,
  enableFindLocal: false,
});
