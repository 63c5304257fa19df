/**
 * The HTTP endpoints a node's bundle dumps, as DC/OS's endpoint config listed them (reference A.6), by the node's
 * endpoints.json names, and the collectors that GET them (each with a timeout and a size cap) into
 * `<port>-<sanitized uri>.json`, the port being the endpoint URL's real one. What minidc serves is required;
 * what only a real Mesos/Marathon serves (`/registrar(1)/registry`, `/v2/pods`, …) is optional, so the same list
 * serves a real DC/OS node and its absence on minidc is a note in the file, not an error.
 */
import { fetchText } from '../../../collectors/http-source.ts';
import { endpointFileName, portOf } from './bundle-file-names.ts';
import type { BundleCollector } from './collector.ts';

export type NodeRole = 'master' | 'agent' | 'agent_public';

export interface EndpointDump {
  /** The endpoints.json name of the server: `mesos`, `marathon`, `mesos_dns`, … */
  endpoint: string;
  uri: string;
  roles: readonly NodeRole[];
  optional?: boolean;
  /** The file's extension when the body is not JSON. Default `json`. */
  extension?: string;
}

const MASTER = ['master'] as const;
const AGENTS = ['agent', 'agent_public'] as const;
const ALL = ['master', 'agent', 'agent_public'] as const;

const on = (endpoint: string, roles: readonly NodeRole[], uris: readonly string[], extra: Partial<EndpointDump> = {}): EndpointDump[] =>
  uris.map((uri) => ({ endpoint, uri, roles, ...extra }));

export const ENDPOINT_DUMPS: readonly EndpointDump[] = [
  ...on('mesos', MASTER, [
    '/master/state',
    '/master/state-summary',
    '/master/slaves',
    '/master/frameworks',
    '/master/tasks',
    '/master/roles',
    '/master/flags',
    '/metrics/snapshot',
    '/version',
  ]),
  ...on('mesos', MASTER, ['/registrar(1)/registry', '/quota', '/master/maintenance/schedule', '/master/maintenance/status', '/__processes__'], { optional: true }),
  ...on('marathon', MASTER, ['/v2/apps', '/v2/deployments', '/v2/groups', '/v2/info', '/v2/leader', '/v2/queue', '/v2/tasks']),
  ...on('marathon', MASTER, ['/v2/pods', '/v2/pods/::status', '/metrics'], { optional: true }),
  ...on('marathon', MASTER, ['/ping'], { extension: 'txt' }),
  ...on('mesos_dns', MASTER, ['/v1/config', '/v1/version', '/v1/axfr']),
  ...on('mesos', AGENTS, ['/state', '/flags', '/metrics/snapshot', '/containers', '/version']),
  ...on('mesos', AGENTS, ['/containerizer/debug', '/__processes__'], { optional: true }),
  ...on('dns_forwarder_api', ALL, ['/v1/metrics']),
  ...on('l4lb', ALL, ['/vips', '/metrics']),
  ...on('metrics', ALL, ['/metrics'], { extension: 'txt' }),
];

export interface EndpointDumpOptions {
  role: NodeRole;
  endpoints: () => Record<string, string>;
  /** Per GET, body included. */
  timeoutMs: number;
  /** Largest body kept. */
  maxBytes: number;
  dumps?: readonly EndpointDump[];
}

export function endpointDumpCollectors(options: EndpointDumpOptions): BundleCollector[] {
  const endpoints = options.endpoints();
  return (options.dumps ?? ENDPOINT_DUMPS)
    // An optional dump of a server the node does not run is simply not collected.
    .filter((d) => d.roles.includes(options.role) && (endpoints[d.endpoint] !== undefined || !d.optional))
    .map((dump): BundleCollector => {
      const base = endpoints[dump.endpoint];
      const url = base === undefined ? undefined : parseUrl(base);
      if (url === undefined) {
        const why = base === undefined ? `the node publishes no "${dump.endpoint}" endpoint` : `endpoint "${dump.endpoint}" is not a URL: ${base}`;
        const name = `${dump.endpoint}${dump.uri}`;
        return { name, optional: false, run: async () => Promise.reject(new Error(why)) };
      }
      const target = new URL(dump.uri, url);
      const name = endpointFileName(portOf(url), dump.uri, dump.extension);
      return {
        name,
        optional: dump.optional ?? false,
        run: async (sink, signal) => {
          const body = await fetchText(target.href, { signal, timeoutMs: options.timeoutMs, maxBytes: options.maxBytes, headers: { accept: '*/*' } });
          await sink.add(name, body);
        },
      };
    });
}

function parseUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
