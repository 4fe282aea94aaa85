#!/usr/bin/env node
// Entry point of the domsim command; the TypeScript sources are compiled to dist/ by `npm run build`.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write(`domsim: ${entry} is missing; run npm run build in ${join(__dirname, '..')}\n`);
  process.exit(1);
}
require(entry);
