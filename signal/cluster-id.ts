/**
 * The cluster's id, read from the file the cluster keeps it in (minidc's DATA_DIR/cluster-id, DC/OS's
 * /var/lib/dcos/cluster-id): Signal's anonymous id and `clusterId`. Without it dcos-signal refused to run.
 */
import { readFile } from 'node:fs/promises';

export class ClusterIdError extends Error {}

export async function readClusterId(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ClusterIdError(`cannot read the cluster id from ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const id = text.trim();
  if (!/^[0-9A-Za-z-]{1,64}$/.test(id)) throw new ClusterIdError(`${path} does not hold a cluster id`);
  return id;
}
