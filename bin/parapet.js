#!/usr/bin/env node
// The `parapet` command: runs the compiled CLI (built by `npm install` through the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(compiled)) {
  console.error('parapet: the CLI is not built: run `npm install` or `npm run build` in the parapet folder');
  process.exit(2);
}
// a reader that stops early (`parapet ... | head`) is not an error
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const { main } = await import(compiled);
process.exitCode = await main(process.argv.slice(2));
