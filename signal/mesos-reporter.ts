/**
 * The `mesos_track` event: the frameworks by name and the cluster's size and use, from the leading master's
 * `/master/frameworks` and `/metrics/snapshot`, under dcos-signal's property names. A key the snapshot lacks is 0,
 * as Go's JSON decoding left it.
 */
import { objectOf, type JsonReader, type Reporter } from './reporter.ts';
import { mesosFrameworksUrl, mesosSnapshotUrl, type MasterEndpoints } from './signal-sources.ts';

/** Property → snapshot key, in dcos-signal's order. */
const SNAPSHOT_PROPERTIES = {
  cpu_total: 'master/cpus_total',
  cpu_used: 'master/cpus_used',
  mem_total: 'master/mem_total',
  mem_used: 'master/mem_used',
  disk_total: 'master/disk_total',
  disk_used: 'master/disk_used',
  task_count: 'master/tasks_running',
  framework_count: 'master/frameworks_active',
  agents_connected: 'master/slaves_connected',
  agents_active: 'master/slaves_active',
} as const;

export function mesosProperties(frameworks: Record<string, unknown>, snapshot: Record<string, unknown>): Record<string, unknown> {
  const list = Array.isArray(frameworks.frameworks) ? (frameworks.frameworks as unknown[]) : [];
  const names = list.map((f) => ({ name: String((f as { name?: unknown } | null)?.name ?? '') }));
  const out: Record<string, unknown> = { frameworks: names };
  for (const [property, key] of Object.entries(SNAPSHOT_PROPERTIES)) {
    const v = snapshot[key];
    out[property] = typeof v === 'number' && Number.isFinite(v) ? v : 0;
  }
  return out;
}

export function mesosReporter(endpoints: () => MasterEndpoints): Reporter {
  return {
    event: 'mesos_track',
    properties: async (read: JsonReader) => {
      const frameworksUrl = mesosFrameworksUrl(endpoints());
      const snapshotUrl = mesosSnapshotUrl(endpoints());
      const [frameworks, snapshot] = await Promise.all([read(frameworksUrl), read(snapshotUrl)]);
      return mesosProperties(objectOf(frameworks, frameworksUrl, "Mesos's /master/frameworks"), objectOf(snapshot, snapshotUrl, 'a metrics snapshot'));
    },
  };
}
