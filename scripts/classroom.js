#!/usr/bin/env node
// Builds the classroom handouts (notebooks/classroom/ and out/classroom/handout/) and the solutions
// (out/classroom/solutions/, never committed, never in the handout). Run `npm run build` first.
require('../dist/src/classroom/build.js').main(process.argv.slice(2));
