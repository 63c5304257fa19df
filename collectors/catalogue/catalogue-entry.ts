/**
 * What one catalogue entry says about a metric, and the naming rules that turn a Mesos snapshot key into the
 * dotted `mesos.*` name integrations use (Datadog's mapping, reference B) and a Prometheus name that passes
 * promtool's lint (base units, `_total` only on counters). Entries are written with the builders below so that the
 * rules live in one place; where a rule does not fit, an entry names itself.
 */
import type { MetricDeclaration, MetricType } from '../metric.ts';

/** The collector that publishes an entry (an entry may have several: `system/*` comes from the host or a snapshot). */
export type CatalogueSource =
  | 'mesos_master'
  | 'mesos_roles'
  | 'mesos_agent'
  | 'containers'
  | 'mesos_dns'
  | 'dns_forwarder'
  | 'l4lb'
  | 'host'
  | 'units'
  | 'marathon_task_failures'
  | 'mesos_agents'
  | 'l4lb_vips'
  | 'bundles'
  | 'scrape';

export interface CatalogueEntry extends MetricDeclaration {
  readonly dottedName: string;
  readonly sources: readonly CatalogueSource[];
  /**
   * For a snapshot source: the key; a template whose `<label>` parts become labels (`allocator/mesos/roles/<role>/
   * shares/dominant`); or, for a summary, the timer's key (`registrar/state_store_ms` covers its `/count`, `/min`,
   * `/max`, `/p50`… keys) and, for a histogram, the key its `/count`, `/sum` and `/le_<bound>` keys hang off.
   */
  readonly snapshotKey?: string;
  /** A deprecated snapshot alias of another key: covered by the catalogue, not exported a second time. */
  readonly aliasOf?: string;
  /** Labels whose snapshot form is percent-encoded (Mesos's framework names in keys). */
  readonly encodedLabels?: readonly string[];
  /** Where a value comes from when it is not a snapshot key (shown in the README's table). */
  readonly derivation?: string;
}

/** Datadog's rule of thumb (reference B), plus `allocator/mesos/x` → `mesos.allocator.x` for what it leaves out. */
export function dottedNameOf(snapshotKey: string): string {
  const special: Record<string, string> = {
    'master/elected': 'mesos.stats.elected',
    'master/uptime_secs': 'mesos.stats.uptime_secs',
    'slave/uptime_secs': 'mesos.stats.uptime_secs',
    'slave/registered': 'mesos.stats.registered',
  };
  if (special[snapshotKey] !== undefined) return special[snapshotKey];
  const prefixes: [string, string][] = [
    ['system/', 'mesos.stats.system.'],
    ['master/', 'mesos.cluster.'],
    ['registrar/', 'mesos.registrar.'],
    ['slave/', 'mesos.slave.'],
    ['allocator/mesos/', 'mesos.allocator.'],
    ['mesos_dns/', 'minidc.mesos_dns.'],
    ['dns/', 'minidc.dns.'],
    ['l4lb/', 'minidc.l4lb.'],
  ];
  const key = snapshotKey.replace(/\/?<[^>]+>/g, '').replace(/_$/, '');
  for (const [from, to] of prefixes) if (key.startsWith(from)) return to + key.slice(from.length).replaceAll('/', '.');
  throw new Error(`no dotted-name rule for snapshot key ${snapshotKey}`);
}

const MIB = 1024 * 1024;

/**
 * The Prometheus name and scale for a dotted name: `.` → `_`; Mesos's `_ms`/`_secs` → `_seconds`, `_percent` →
 * `_ratio`; resource totals lose `_total` (a gauge ending in `_total` reads as a counter) and MB become bytes;
 * counters gain `_total`.
 */
export function prometheusNameOf(dottedName: string, type: MetricType): { name: string; scale?: number } {
  let name = dottedName.replaceAll('.', '_');
  let scale: number | undefined;
  const resource = /_(cpus|gpus|mem|disk)_(total|used|percent)$/.exec(name);
  if (resource !== null) {
    const [, r, part] = resource;
    const stem = name.slice(0, resource.index);
    const bytes = r === 'mem' || r === 'disk';
    if (part === 'percent') return { name: `${stem}_${r}_used_ratio` };
    name = `${stem}_${r}${part === 'used' ? '_used' : ''}${bytes ? '_bytes' : ''}`;
    return bytes ? { name, scale: MIB } : { name };
  }
  if (name.endsWith('_ms')) {
    name = `${name.slice(0, -3)}_seconds`;
    scale = 0.001;
  } else if (name.endsWith('_secs')) name = `${name.slice(0, -5)}_seconds`;
  else if (name.endsWith('_percent')) name = `${name.slice(0, -8)}_ratio`;
  if (type === 'counter' && !name.endsWith('_total')) name += '_total';
  return scale === undefined ? { name } : { name, scale };
}

export interface EntryOptions {
  dottedName?: string;
  prometheusName?: string;
  prometheusScale?: number;
  unit?: string;
  aliasOf?: string;
  encodedLabels?: readonly string[];
  derivation?: string;
}

/** `<label>` parts of a template key, in order. */
export function templateLabels(snapshotKey: string): string[] {
  return [...snapshotKey.matchAll(/<([a-z_]+)>/g)].map((m) => m[1]!);
}

/** The unit a Mesos key's value is in, from its name (Mesos's MB for mem/disk, `_ms`, `_secs`, `_bytes`). */
function unitOf(key: string): string {
  if (/\/(mem|disk)_(total|used)$/.test(key) || /resources\/(mem|disk)\//.test(key)) return 'MiBy';
  if (key.endsWith('_ms')) return 'ms';
  if (key.endsWith('_secs')) return 's';
  if (key.endsWith('_bytes')) return 'By';
  return '1';
}

/** An entry for a snapshot key (fixed, template, timer or histogram), named by the rules above. */
export function snapshotEntry(
  sources: readonly CatalogueSource[],
  type: MetricType,
  snapshotKey: string,
  help: string,
  options: EntryOptions = {},
): CatalogueEntry {
  const dottedName = options.dottedName ?? dottedNameOf(snapshotKey);
  const derived = prometheusNameOf(dottedName, type);
  const scale = options.prometheusScale ?? (options.prometheusName === undefined ? derived.scale : undefined);
  const labels = templateLabels(snapshotKey);
  return {
    sources,
    type,
    snapshotKey,
    dottedName,
    prometheusName: options.prometheusName ?? derived.name,
    help,
    unit: options.unit ?? unitOf(snapshotKey),
    ...(labels.length > 0 ? { labelNames: labels } : {}),
    ...(scale === undefined ? {} : { prometheusScale: scale }),
    ...(options.aliasOf === undefined ? {} : { aliasOf: options.aliasOf }),
    ...(options.encodedLabels === undefined ? {} : { encodedLabels: options.encodedLabels }),
    ...(options.derivation === undefined ? {} : { derivation: options.derivation }),
  };
}

/** An entry that is not a snapshot key (read from another endpoint, or minidc's own). */
export function derivedEntry(
  sources: readonly CatalogueSource[],
  type: MetricType,
  dottedName: string,
  help: string,
  options: EntryOptions & { labelNames?: readonly string[]; derivation: string },
): CatalogueEntry {
  const derived = prometheusNameOf(dottedName, type);
  const scale = options.prometheusScale ?? (options.prometheusName === undefined ? derived.scale : undefined);
  return {
    sources,
    type,
    dottedName,
    prometheusName: options.prometheusName ?? derived.name,
    help,
    unit: options.unit ?? '1',
    derivation: options.derivation,
    ...(options.labelNames === undefined ? {} : { labelNames: options.labelNames }),
    ...(scale === undefined ? {} : { prometheusScale: scale }),
  };
}

/** The twelve resource gauges Mesos publishes per prefix (`master/`, `slave/`): total, used, percent × 4. */
export function resourceEntries(sources: readonly CatalogueSource[], prefix: 'master' | 'slave', whose: string): CatalogueEntry[] {
  const names = { cpus: 'CPUs', gpus: 'GPUs', mem: 'memory (MB)', disk: 'disk (MB)' } as const;
  return (Object.keys(names) as (keyof typeof names)[]).flatMap((r) => [
    snapshotEntry(sources, 'gauge', `${prefix}/${r}_total`, `Total ${names[r]} of ${whose}.`),
    snapshotEntry(sources, 'gauge', `${prefix}/${r}_used`, `${capitalise(names[r])} of ${whose} in use by tasks.`),
    snapshotEntry(sources, 'gauge', `${prefix}/${r}_percent`, `Share of ${whose}'s ${names[r].replace(/ \(MB\)/, '')} in use, 0 to 1.`),
  ]);
}

function capitalise(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}

/** Master and agent uptime are one Prometheus metric (one per target), so they share a help text. */
export const UPTIME_HELP = 'Seconds since this Mesos process (master or agent) started.';
