/**
 * The node's own Minuteman config, `<nodeDir>/etc/minuteman.json`: `{"workers": N}` overrides the cluster's
 * `l4lb_workers` on this node. Read at every start of dcos-minuteman.service and validated then, so a bad value makes
 * the unit fail to start with the file and the key in its journal — what an operator meets after editing a node's
 * config and restarting the unit.
 */
import { invalidConfig, nodeConfigPath, readNodeConfig } from '../storage/node-config-file.ts';

export const MAX_L4LB_WORKERS = 8;

export function minutemanConfigPath(nodeDir: string): string {
  return nodeConfigPath(nodeDir, 'minuteman');
}

/** The node's `workers` override; undefined without the file or the key. Throws on a bad file or value. */
export async function readMinutemanWorkers(nodeDir: string): Promise<number | undefined> {
  const path = minutemanConfigPath(nodeDir);
  const workers = (await readNodeConfig(path))?.workers;
  if (workers === undefined) return undefined;
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 0 || workers > MAX_L4LB_WORKERS)
    throw invalidConfig(path, `'workers' must be a whole number from 0 to ${MAX_L4LB_WORKERS}, got ${JSON.stringify(workers)}`);
  return workers;
}
