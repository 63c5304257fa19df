/** A file's text, or undefined when there is no such file (any other failure is thrown): for files that are optional until made or set. */
import { readFile } from 'node:fs/promises';

export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
