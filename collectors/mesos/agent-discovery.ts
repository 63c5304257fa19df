/**
 * Where a Mesos cluster's agents are, as its master says: `/master/slaves` lists every registered agent (connected
 * or not; unreachable ones drop out), each with its libprocess `pid` (`slave(1)@10.0.1.5:5051`), which is the
 * address the agent serves its HTTP API on, or else `hostname` and `port`. A target is named by that `host:port`,
 * the `node` label `minidc collect` puts on its series.
 */
import { fetchJson } from '../http-source.ts';

export interface MesosTarget {
  /** `host:port` (IPv6 hosts in brackets): the target's `node` label. */
  readonly address: string;
  /** Base URL of its HTTP API (`http://10.0.1.5:5051`). */
  readonly url: string;
}

/**
 * A target from a URL given by the operator (`--master`, `--agent`); a bad one throws a sentence saying what is
 * expected (the caller names the flag and the value).
 */
export function targetOfUrl(text: string): MesosTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('Expected a base URL such as http://10.0.0.1:5050.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('Only http and https URLs are supported.');
  if (url.username !== '' || url.password !== '') throw new Error('Credentials in the URL are not supported.');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '')
    throw new Error('Give the base URL only, without a path, query or fragment.');
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  return { address: `${url.hostname}:${port}`, url: `${url.protocol}//${url.hostname}:${port}` };
}

const PID = /^[^@]+@(.+):(\d{1,5})$/;

/** The host of a libprocess pid (`slave(1)@10.0.0.5:5051` → `10.0.0.5`); undefined when it is not one. */
export function hostOfPid(pid: unknown): string | undefined {
  return typeof pid === 'string' ? PID.exec(pid)?.[1] : undefined;
}

interface SlaveJson {
  pid?: unknown;
  hostname?: unknown;
  port?: unknown;
}

/**
 * The agents in a `/master/slaves` body, reached with the master's scheme; entries without a usable address are
 * skipped (a real master always gives one), duplicates kept once.
 */
export function agentTargetsOf(body: unknown, scheme: 'http:' | 'https:' = 'http:'): MesosTarget[] {
  const slaves = (body as { slaves?: unknown } | null)?.slaves;
  if (!Array.isArray(slaves)) throw new Error('no slaves array');
  const targets = new Map<string, MesosTarget>();
  for (const slave of slaves as SlaveJson[]) {
    const address = addressOf(slave);
    if (address !== undefined && !targets.has(address)) targets.set(address, { address, url: `${scheme}//${address}` });
  }
  return [...targets.values()];
}

function addressOf(slave: SlaveJson | null): string | undefined {
  const pid = typeof slave?.pid === 'string' ? PID.exec(slave.pid) : null;
  const [host, port] = pid !== null ? [pid[1]!, Number(pid[2])] : [slave?.hostname, slave?.port];
  if (typeof host !== 'string' || host === '' || typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

/** GETs the master's `/master/slaves` and returns its agents; throws (naming the URL) when that fails. */
export async function discoverAgents(master: MesosTarget, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<MesosTarget[]> {
  const url = `${master.url}/master/slaves`;
  const body = await fetchJson(url, options);
  try {
    return agentTargetsOf(body, master.url.startsWith('https:') ? 'https:' : 'http:');
  } catch (err) {
    throw new Error(`GET ${url}: ${(err as Error).message}`);
  }
}
