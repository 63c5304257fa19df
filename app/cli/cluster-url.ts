/**
 * Which URL a cluster command talks to: `--url` when given (a service's own URL, or Admin Router's: `…/mesos` for
 * Mesos, the bare URL for diagnostics), otherwise the master's Admin Router in `<data-dir>/endpoints.json` (what
 * `minidc start` wrote), or that service's own endpoint there when the cluster has no Admin Router. The one place
 * the choice is made.
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

/** Where each service is behind Admin Router: Mesos under `/mesos/`, dcos-diagnostics at its own paths. */
const ADMIN_ROUTER_PREFIX: Record<ClusterService, string> = { mesos: '/mesos', diagnostics: '' };

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
  const endpoints = masterEndpoints(file);
  // Through the master's Admin Router when it has one (DC/OS's one door), with the token `minidc auth login` stored.
  const adminRouter = endpoints.adminrouter;
  if (typeof adminRouter === 'string') return `${parseBaseUrl(adminRouter)}${ADMIN_ROUTER_PREFIX[service]}`;
  const base = endpoints[service];
  if (typeof base !== 'string') throw new ClusterUrlError(`no --url given and ${path} names no ${service} endpoint on a master node`);
  return parseBaseUrl(base);
}
