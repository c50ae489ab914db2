#!/usr/bin/env node
// Entry point for `npx liederiv`. The TypeScript sources are compiled to dist/ by `npm ci` (prepare).
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  console.error('liederiv: dist/ is missing — run `npm run build` (npm ci runs it automatically).');
  process.exit(1);
}
require(entry).runCli(process.argv.slice(2));
