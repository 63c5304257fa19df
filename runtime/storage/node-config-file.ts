/**
 * A node's optional per-unit config file (`<nodeDir>/etc/<name>.json`, as DC/OS keeps per-node service config under
 * /opt/mesosphere/etc): its keys, or undefined when there is no file. Read at a unit's start, so what is wrong with
 * the file fails that start with one readable reason naming the file. A ground-floor utility: no runtime state.
 */
import { join } from 'node:path';
import { readIfExists } from './read-if-exists.ts';

export function nodeConfigPath(nodeDir: string, name: string): string {
  return join(nodeDir, 'etc', `${name}.json`);
}

/** The reason for a bad file or value, prefixed as every such failure is: `invalid config <path>: <why>`. */
export function invalidConfig(path: string, why: string): Error {
  return new Error(`invalid config ${path}: ${why}`);
}

export async function readNodeConfig(path: string): Promise<Readonly<Record<string, unknown>> | undefined> {
  const text = await readIfExists(path);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw invalidConfig(path, `not JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidConfig(path, 'not a JSON object');
  return parsed as Record<string, unknown>;
}
