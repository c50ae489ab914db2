// tslab resolves a notebook's relative imports against the .js files it compiled ("side outputs")
// by appending ".js" to the joined path, so `import ... from '../groups'` inside src/ (a folder with
// index.ts) misses and falls through to Node's require, which finds no .js there and fails. This
// makes the join resolve such a folder to its index, as Node and TypeScript do. It only changes paths
// without an extension for which `<path>.ts` does not exist but `<path>/index.ts` does.
const fs = require('node:fs');
const path = require('node:path');

function install(root) {
  const tspath = require(path.join(root, 'node_modules', 'tslab', 'dist', 'tspath.js'));
  const join = tspath.normalizeJoin;
  if (join.liederivFolderImports) return;
  const patched = (...parts) => {
    const joined = join(...parts);
    if (path.extname(joined) !== '' || fs.existsSync(`${joined}.ts`) || fs.existsSync(`${joined}.tsx`)) return joined;
    return fs.existsSync(path.join(joined, 'index.ts')) ? join(joined, 'index') : joined;
  };
  patched.liederivFolderImports = true;
  tspath.normalizeJoin = patched;
}

module.exports = { install };
