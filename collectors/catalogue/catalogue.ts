/**
 * The metric catalogue: every metric minidc publishes, declared once. The snapshot mapping, the Prometheus
 * exposition, the OpenTelemetry export and the README's table derive from these entries; the dashboards and alert
 * rules will too. Checked when loaded: valid Prometheus names, one declaration per Prometheus name (the same
 * metric from two sources, like master and agent uptime, must be declared alike) and one entry per snapshot key
 * per source.
 */
import { assertValidDeclaration } from '../metric.ts';
import type { CatalogueEntry, CatalogueSource } from './catalogue-entry.ts';
import { HOST_ENTRIES } from './host-entries.ts';
import { CONTAINER_ENTRIES, MESOS_AGENT_ENTRIES } from './mesos-agent-entries.ts';
import { MESOS_MASTER_ENTRIES, MESOS_ROLE_ENTRIES } from './mesos-master-entries.ts';
import { MINIDC_ENTRIES } from './minidc-entries.ts';
import { DNS_FORWARDER_ENTRIES, L4LB_ENTRIES, L4LB_VIP_ENTRIES, MESOS_DNS_ENTRIES } from './network-entries.ts';

export type { CatalogueEntry, CatalogueSource } from './catalogue-entry.ts';

export const CATALOGUE: readonly CatalogueEntry[] = [
  ...MESOS_MASTER_ENTRIES,
  ...MESOS_ROLE_ENTRIES,
  ...MESOS_AGENT_ENTRIES,
  ...CONTAINER_ENTRIES,
  ...Object.values(HOST_ENTRIES),
  ...MESOS_DNS_ENTRIES,
  ...DNS_FORWARDER_ENTRIES,
  ...L4LB_ENTRIES,
  ...L4LB_VIP_ENTRIES,
  ...MINIDC_ENTRIES,
];

/** The entries a source publishes, in catalogue order. */
export function entriesOf(source: CatalogueSource): CatalogueEntry[] {
  return CATALOGUE.filter((e) => e.sources.includes(source));
}

/** Throws naming the first conflict; run once when the module loads, and by the catalogue test. */
export function assertConsistent(entries: readonly CatalogueEntry[]): void {
  const byName = new Map<string, CatalogueEntry>();
  const keys = new Set<string>();
  for (const entry of entries) {
    assertValidDeclaration(entry);
    const other = byName.get(entry.prometheusName);
    if (other !== undefined && !declaredAlike(entry, other))
      throw new Error(`catalogue: ${entry.prometheusName} is declared twice, differently (${entry.dottedName} vs ${other.dottedName})`);
    byName.set(entry.prometheusName, entry);
    if (entry.snapshotKey !== undefined)
      for (const source of entry.sources) {
        const id = `${source} ${entry.snapshotKey}`;
        if (keys.has(id)) throw new Error(`catalogue: ${source} key ${entry.snapshotKey} is declared twice`);
        keys.add(id);
      }
  }
}

function declaredAlike(a: CatalogueEntry, b: CatalogueEntry): boolean {
  return (
    a.type === b.type &&
    a.help === b.help &&
    a.unit === b.unit &&
    a.dottedName === b.dottedName &&
    (a.labelNames ?? []).join(',') === (b.labelNames ?? []).join(',') &&
    a.sources.every((s) => !b.sources.includes(s))
  );
}

assertConsistent(CATALOGUE);
