/**
 * The node's own Minuteman config, `<nodeDir>/etc/minuteman.json` (DC/OS keeps per-node service config under
 * /opt/mesosphere/etc): `{"workers": N}` overrides the cluster's `l4lb_workers` on this node. Read at every start of
 * dcos-minuteman.service and validated then, so a bad value makes the unit fail to start with the file and the key in
 * its journal — what an operator meets after editing a node's config and restarting the unit.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const MAX_L4LB_WORKERS = 8;

export function minutemanConfigPath(nodeDir: string): string {
  return join(nodeDir, 'etc', 'minuteman.json');
}

/** The node's `workers` override; undefined without the file or the key. Throws on a bad file or value. */
export async function readMinutemanWorkers(nodeDir: string): Promise<number | undefined> {
  const path = minutemanConfigPath(nodeDir);
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`invalid config ${path}: not JSON (${(err as Error).message})`);
  }
  const workers = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).workers : parsed;
  if (workers === undefined) return undefined;
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 0 || workers > MAX_L4LB_WORKERS)
    throw new Error(`invalid config ${path}: 'workers' must be a whole number from 0 to ${MAX_L4LB_WORKERS}, got ${JSON.stringify(workers)}`);
  return workers;
}
