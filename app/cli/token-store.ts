/**
 * The CLI's Admin Router tokens, `$MINIDC_CONFIG_DIR/tokens.json` (default `~/.minidc/`; the folder 0700, the file
 * 0600 and replaced atomically), keyed by the Admin Router's base URL: `minidc auth login` stores one, every other
 * command sends it as `Authorization: token=…` (`storedToken`), `minidc auth logout` forgets it.
 */
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../runtime/storage/atomic-file.ts';
import { parseBaseUrl } from './cluster-url.ts';

export const TOKENS_FILE = 'tokens.json';

/** `$MINIDC_CONFIG_DIR`, else `~/.minidc`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.MINIDC_CONFIG_DIR;
  return dir !== undefined && dir !== '' ? resolve(dir) : join(homedir(), '.minidc');
}

const tokensPath = (env: NodeJS.ProcessEnv) => join(configDir(env), TOKENS_FILE);

/** Admin Router base URL (as parseBaseUrl writes it) → token. */
type Tokens = Record<string, string>;

async function readTokens(env: NodeJS.ProcessEnv): Promise<Tokens> {
  const path = tokensPath(env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Object.create(null) as Tokens;
    throw new TokenStoreError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return Object.assign(Object.create(null) as Tokens, parsed);
  } catch {
    throw new TokenStoreError(`${path} is not a JSON object of tokens (remove it and log in again)`);
  }
}

async function writeTokens(tokens: Tokens, env: NodeJS.ProcessEnv): Promise<void> {
  const dir = configDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode does not apply to a folder that already exists (or is subject to the umask).
  await chmod(dir, 0o700);
  await writeFileAtomic(join(dir, TOKENS_FILE), `${JSON.stringify(tokens, null, 2)}\n`);
}

export class TokenStoreError extends Error {}

/** The token stored for this Admin Router URL, if any: what a CLI command sends as `Authorization: token=…`. */
export async function storedToken(url: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const tokens = await readTokens(env);
  const key = parseBaseUrl(url);
  return Object.hasOwn(tokens, key) && typeof tokens[key] === 'string' ? tokens[key] : undefined;
}

/** Stores (replacing) the token for this URL; returns the file's path. */
export async function storeToken(url: string, token: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const tokens = await readTokens(env);
  tokens[parseBaseUrl(url)] = token;
  await writeTokens(tokens, env);
  return tokensPath(env);
}

/** Forgets the token for this URL; false when there was none. */
export async function removeToken(url: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const tokens = await readTokens(env);
  const key = parseBaseUrl(url);
  if (!Object.hasOwn(tokens, key)) return false;
  delete tokens[key];
  await writeTokens(tokens, env);
  return true;
}
