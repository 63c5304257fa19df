/**
 * The collectors of a Mesos master and a Mesos agent, built only from their base URLs, so the same code serves the
 * embedded cluster and a real one (`minidc collect`): the snapshot, the master's roles and the agent's containers.
 */
import type { Collector } from '../collector.ts';
import type { Sample } from '../metric.ts';
import { entriesOf } from '../catalogue/catalogue.ts';
import { CONTAINER_ENTRIES } from '../catalogue/mesos-agent-entries.ts';
import { MESOS_ROLE_ENTRIES } from '../catalogue/mesos-master-entries.ts';
import type { CatalogueEntry } from '../catalogue/catalogue-entry.ts';
import { jsonCollector, join } from '../json-collector.ts';
import { SnapshotCollector } from '../snapshot/snapshot-collector.ts';

export interface MesosCollectorOptions {
  /** Base URL (`http://10.0.0.1:5050`), or undefined while not known. */
  url: () => string | undefined;
  /** Map libprocess's `system/*` keys too; off where the host collector reads the same host. Default true. */
  includeSystem?: boolean;
  timeoutMs?: number;
  onUnknownKeys?: (keys: readonly string[]) => void;
}

const isSystem = (e: CatalogueEntry) => e.snapshotKey?.startsWith('system/') === true;
const ENTRY = (dotted: string) => {
  const entry = entriesOf('mesos_master').find((e) => e.dottedName === dotted);
  if (entry === undefined) throw new Error(`catalogue has no ${dotted}`);
  return entry;
};

function snapshotEntries(source: 'mesos_master' | 'mesos_agent', includeSystem: boolean): CatalogueEntry[] {
  return entriesOf(source).filter((e) => includeSystem || !isSystem(e));
}


/** The master's snapshot, plus Datadog's derived `mesos.cluster.total_frameworks`. */
export function mesosMasterCollector(options: MesosCollectorOptions): Collector {
  const entries = snapshotEntries('mesos_master', options.includeSystem ?? true);
  const totalFrameworks = ENTRY('mesos.cluster.total_frameworks');
  return new SnapshotCollector({
    name: 'mesos_master',
    url: () => join(options.url(), '/metrics/snapshot'),
    entries,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.onUnknownKeys === undefined ? {} : { onUnknownKeys: options.onUnknownKeys }),
    // Every framework in /master/state's `frameworks` is connected or disconnected (completed ones are apart),
    // so the count comes from the snapshot without fetching a state document of tens of MB.
    derive: (s) => {
      const connected = s['master/frameworks_connected'];
      const disconnected = s['master/frameworks_disconnected'];
      if (typeof connected !== 'number' || typeof disconnected !== 'number') return [];
      return [{ metric: totalFrameworks, value: connected + disconnected }];
    },
  });
}

export function mesosAgentCollector(options: MesosCollectorOptions): Collector {
  return new SnapshotCollector({
    name: 'mesos_agent',
    url: () => join(options.url(), '/metrics/snapshot'),
    entries: snapshotEntries('mesos_agent', options.includeSystem ?? true),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.onUnknownKeys === undefined ? {} : { onUnknownKeys: options.onUnknownKeys }),
  });
}

interface RoleJson {
  name?: unknown;
  weight?: unknown;
  frameworks?: unknown;
  resources?: Record<string, unknown>;
}

const [ROLE_WEIGHT, ROLE_FRAMEWORKS, ROLE_CPUS, ROLE_MEM, ROLE_DISK] = MESOS_ROLE_ENTRIES as [CatalogueEntry, CatalogueEntry, CatalogueEntry, CatalogueEntry, CatalogueEntry];

/** `/master/roles`: weight, frameworks and allocated cpus/mem/disk per role (Datadog's `mesos.role.*`). */
export function mesosRolesCollector(options: Omit<MesosCollectorOptions, 'includeSystem' | 'onUnknownKeys'>): Collector {
  return jsonCollector('mesos_roles', '/master/roles', options, (body, url) => {
    const roles = (body as { roles?: unknown } | null)?.roles;
    if (!Array.isArray(roles)) throw new Error(`GET ${url}: no roles array`);
    const samples: Sample[] = [];
    for (const role of roles as RoleJson[]) {
      if (typeof role?.name !== 'string') continue;
      const labels = { role: role.name };
      const put = (metric: CatalogueEntry, value: unknown) => {
        if (typeof value === 'number' && Number.isFinite(value)) samples.push({ metric, labels, value });
      };
      put(ROLE_WEIGHT, role.weight);
      put(ROLE_FRAMEWORKS, Array.isArray(role.frameworks) ? role.frameworks.length : undefined);
      put(ROLE_CPUS, role.resources?.cpus ?? 0);
      put(ROLE_MEM, role.resources?.mem ?? 0);
      put(ROLE_DISK, role.resources?.disk ?? 0);
    }
    return samples;
  });
}

const CONTAINER_STATISTICS: [CatalogueEntry, string][] = CONTAINER_ENTRIES.map((e) => [e, e.derivation!.replace('/containers: statistics.', '')]);

/** The agent's `/containers`: per-task CPU time, RSS, limits and process count. */
export function containersCollector(options: Omit<MesosCollectorOptions, 'includeSystem' | 'onUnknownKeys'>): Collector {
  return jsonCollector('containers', '/containers', options, (body, url) => {
    if (!Array.isArray(body)) throw new Error(`GET ${url}: not a JSON array of containers`);
    const samples: Sample[] = [];
    const seen = new Set<string>();
    for (const c of body as { source?: unknown; executor_id?: unknown; framework_id?: unknown; statistics?: Record<string, unknown> }[]) {
      const task = typeof c?.source === 'string' && c.source !== '' ? c.source : c?.executor_id;
      if (typeof task !== 'string' || typeof c.framework_id !== 'string') continue;
      const labels = { task, framework: c.framework_id };
      const id = `${task}\u0000${c.framework_id}`;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const [metric, field] of CONTAINER_STATISTICS) {
        const value = c.statistics?.[field];
        if (typeof value === 'number' && Number.isFinite(value)) samples.push({ metric, labels, value });
      }
    }
    return samples;
  });
}
