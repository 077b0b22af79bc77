import * as crypto from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * Generated files land only where they are named: a symbolic link at a target name (dangling or
 * not) counts as an existing file, and writing replaces the link itself, never what it points at.
 * The CLI's `generate` and the editor's generator both write through here.
 */

/** lstat: a symbolic link is an existing file, even when it points nowhere. */
export function existsNoFollow(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    () => true,
    () => false,
  );
}

/**
 * Writes a file without following a symbolic link at its name: the text goes to a new temporary
 * file beside it (O_EXCL: never an existing file or link), which then replaces the name. A link
 * there (dangling or not) is replaced by the file; whatever it pointed at is not touched.
 */
export async function writeFileNoFollow(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  await fs.writeFile(temp, text, { encoding: 'utf8', flag: 'wx' });
  try {
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw e;
  }
}
