import * as path from 'node:path';
import { compileCacheDirectory, loadBundle } from './compileCache';
import { COMMAND_NAMES } from './commandNames';

/**
 * The `kube-topology` executable: loads the CLI bundle (dist/cli-main.js, built from main.ts)
 * through V8's code cache and runs it. Kept apart from the bundle so the bundle itself can be
 * compiled from the cache. Each command keeps its own cache: V8 saves the functions a run compiled,
 * and `validate` needs others than `apply`.
 */
const command = process.argv[2];
const variant = (COMMAND_NAMES as readonly string[]).includes(command) ? command : 'other';
const cli = loadBundle(path.join(__dirname, 'cli-main.js'), compileCacheDirectory(), variant);
void (cli.exports.main as () => Promise<void>)();
