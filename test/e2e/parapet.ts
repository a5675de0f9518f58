/**
 * The `parapet` command from the sources, for end-to-end tests that run it as a separate process
 * (`node --import tsx test/e2e/parapet.ts serve ...`): the same main as bin/parapet.js, without the
 * build step.
 */
import { main } from '../../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
