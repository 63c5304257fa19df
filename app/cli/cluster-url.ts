/**
 * Which URL a cluster command talks to: `--url` when given, otherwise the master node's endpoint of that service in
 * `<data-dir>/endpoints.json` (what `minidc start` wrote). The one place the choice is made, so that Admin Router
 * (one URL in front of every service) changes only this file.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EndpointsFile } from '../../runtime/cluster/endpoints-file.ts';

/** `minidc start`'s default data dir. */
export const DEFAULT_DATA_DIR = './.minidc';

/** The services the CLI asks: the Mesos master (`node list`) and the master's dcos-diagnostics (the rest). */
export type ClusterService = 'mesos' | 'diagnostics';

export interface ClusterUrlOptions {
  url?: string;
  dataDir?: string;
}

export class ClusterUrlError extends Error {}

/** A base URL without a trailing slash, so paths are appended as `${base}/system/…`. */
export function parseBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ClusterUrlError(`--url ${text} is not a URL (e.g. http://127.0.1.1:1050)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ClusterUrlError(`--url ${text} is not http(s)`);
  if (url.search !== '' || url.hash !== '') throw new ClusterUrlError(`--url ${text} has a query or fragment`);
  return url.href.replace(/\/+$/, '');
}

/** `<data-dir>/endpoints.json`; `why` words the failure ("does not exist", …) for the caller's one line. */
export async function readEndpointsFile(dataDir: string, fail: (path: string, why: string) => Error): Promise<{ path: string; file: EndpointsFile }> {
  const path = join(dataDir, 'endpoints.json');
  try {
    return { path, file: JSON.parse(await readFile(path, 'utf8')) as EndpointsFile };
  } catch (err) {
    throw fail(path, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(err as Error).message})`);
  }
}

/** The master node's endpoints in endpoints.json (empty when the file names no master). */
export const masterEndpoints = (file: EndpointsFile): Record<string, string> => file.nodes?.find?.((n) => n.role === 'master')?.endpoints ?? {};

export async function clusterUrl(service: ClusterService, options: ClusterUrlOptions): Promise<string> {
  if (options.url !== undefined) return parseBaseUrl(options.url);
  const { path, file } = await readEndpointsFile(
    options.dataDir ?? DEFAULT_DATA_DIR,
    (p, why) => new ClusterUrlError(`no --url given and ${p} ${why} (start the cluster with minidc start, or pass --url)`),
  );
  const base = masterEndpoints(file)[service];
  if (typeof base !== 'string') throw new ClusterUrlError(`no --url given and ${path} names no ${service} endpoint on a master node`);
  return parseBaseUrl(base);
}
