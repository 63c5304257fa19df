/**
 * Turns a `/files` path into a real file inside a task sandbox, or refuses it. Confinement is checked on the
 * canonical path (realpath of the sandbox and of the target), so neither `..` nor a symlink a task left in its
 * sandbox can reach anything outside it.
 */
import { realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Agent } from '../agent.ts';
import { badRequest, forbidden, notFound } from '../../http/http-error.ts';
import { lookupSandbox } from './sandbox-lookup.ts';

export interface SandboxFile {
  /** Canonical path of the file or directory. */
  real: string;
  /** Canonical path of the sandbox it lies in. */
  sandbox: string;
}

export async function resolveSandboxPath(agent: Agent, requested: string): Promise<SandboxFile> {
  if (requested.includes('\0')) throw badRequest("'path' must not contain NUL characters");
  const segments = requested.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw forbidden(`Path '${requested}' is not allowed: '..' may not be used`);
  const found = lookupSandbox(agent, segments);
  if (found.kind === 'outside') throw forbidden(`Path '${requested}' is outside the agent's sandboxes`);
  if (found.kind === 'unknown') throw notFound(`No such sandbox: '${requested}'`);
  const sandbox = await canonical(found.task.directory);
  const real = sandbox === undefined ? undefined : await canonical(join(sandbox, ...found.rest));
  if (sandbox === undefined || real === undefined) throw notFound(`No such file or directory: '${requested}'`);
  if (real !== sandbox && !real.startsWith(sandbox + sep))
    throw forbidden(`Path '${requested}' resolves outside its sandbox`);
  return { real, sandbox };
}

/** realpath, or undefined when the path (or a link on the way) does not lead to anything. */
async function canonical(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return undefined;
    if (code === 'EACCES') throw forbidden(`Permission denied: '${path}'`);
    throw err;
  }
}
