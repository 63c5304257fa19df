// The catalogue against what the runtime declares it publishes: every key a runtime source can write maps to a
// catalogue entry of that source, every snapshot entry of the catalogue is a key some runtime source writes, and the
// README's table is the catalogue's. (test/e2e/node-metrics.test.ts checks the same against a running cluster.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CATALOGUE, assertConsistent, entriesOf, type CatalogueSource } from '../../collectors/catalogue/catalogue.ts';
import { snapshotEntry } from '../../collectors/catalogue/catalogue-entry.ts';
import { withCatalogueTable } from '../../collectors/catalogue/catalogue-table.ts';
import { SnapshotMapper } from '../../collectors/snapshot/snapshot-mapper.ts';
import type { MetricKeys } from '../../runtime/metrics/metric-keys.ts';
import { MASTER_COUNTER_METRICS } from '../../runtime/master/master-counters.ts';
import { FRAMEWORK_METRICS } from '../../runtime/master/framework-metrics.ts';
import { MASTER_GAUGE_METRICS } from '../../runtime/master/master-metrics.ts';
import { REGISTRAR_METRICS } from '../../runtime/master/registrar.ts';
import { ALLOCATOR_METRICS } from '../../runtime/allocator/allocator-metrics.ts';
import { AGENT_COUNTER_METRICS } from '../../runtime/agent/agent-counters.ts';
import { AGENT_GAUGE_METRICS } from '../../runtime/agent/http/agent-metrics.ts';
import { SYSTEM_METRICS } from '../../runtime/http/system-metrics.ts';
import { L4LB_METRICS } from '../../runtime/l4lb/l4lb-metrics.ts';
import { MESOS_DNS_METRIC_KEYS } from '../../runtime/dns/mesos-dns/mesos-dns-metrics.ts';
import { FORWARDER_METRIC_KEYS } from '../../runtime/dns/forwarder/forwarder-metrics.ts';

type Declarations = readonly MetricKeys<string, string>[];

/** Values a template parameter takes in real keys where it matters which (others are filled with `x`). */
const PARAMETER_VALUES: Record<string, string[]> = { phase: ['active', 'terminal'], reason: ['unhealthy'], resource: ['cpus'], type: ['a'] };

/** Every way of filling a template's parameters from PARAMETER_VALUES. */
function instances(template: string): string[] {
  const match = /<([^>]+)>/.exec(template);
  if (match === null) return [template];
  const values = PARAMETER_VALUES[match[1]!] ?? ['x'];
  return values.flatMap((v) => instances(template.replace(match[0], v)));
}

/** Timers without a window publish their one value only (runtime/master/registrar.ts, as Mesos). */
const WINDOWLESS_TIMERS = ['registrar/state_fetch'];

/** The keys a declaration's fixed keys, timers and templates write. */
function keysOf(declarations: Declarations): string[] {
  return declarations.flatMap((d) => [
    ...d.fixed,
    ...d.timers.flatMap((t) => (WINDOWLESS_TIMERS.includes(t) ? [`${t}_ms`] : [`${t}_ms`, `${t}_ms/count`, `${t}_ms/p99`])),
    ...d.templates.flatMap(instances),
  ]);
}

// The runtime's writers of each snapshot source. The forwarder's three labelled families are key prefixes in code.
const MASTER: Declarations = [MASTER_COUNTER_METRICS, FRAMEWORK_METRICS, MASTER_GAUGE_METRICS, REGISTRAR_METRICS, ALLOCATOR_METRICS, SYSTEM_METRICS];
const AGENT: Declarations = [AGENT_COUNTER_METRICS, AGENT_GAUGE_METRICS, SYSTEM_METRICS];
const RUNTIME_KEYS: Record<'mesos_master' | 'mesos_agent' | 'l4lb' | 'mesos_dns' | 'dns_forwarder', string[]> = {
  mesos_master: keysOf(MASTER),
  mesos_agent: keysOf(AGENT),
  l4lb: keysOf([L4LB_METRICS]),
  mesos_dns: [...MESOS_DNS_METRIC_KEYS],
  dns_forwarder: [...FORWARDER_METRIC_KEYS, 'dns/requests/x/NOERROR', 'dns/upstream_failures/10.0.0.2:53', 'dns/records/x'],
};
const FORWARDER_FAMILIES = [/^dns\/requests\/[^/]+\/[^/]+$/, /^dns\/upstream_failures\/[^/]+$/, /^dns\/records\/[^/]+$/];

function declaredByRuntime(source: keyof typeof RUNTIME_KEYS, key: string): boolean {
  if (source === 'mesos_master') return MASTER.some((d) => d.declares(key));
  if (source === 'mesos_agent') return AGENT.some((d) => d.declares(key));
  if (source === 'l4lb') return L4LB_METRICS.declares(key);
  if (source === 'mesos_dns') return (MESOS_DNS_METRIC_KEYS as readonly string[]).includes(key);
  return (FORWARDER_METRIC_KEYS as readonly string[]).includes(key) || FORWARDER_FAMILIES.some((p) => p.test(key));
}

test('every key a runtime source writes maps to a catalogue entry of that source', () => {
  for (const [source, keys] of Object.entries(RUNTIME_KEYS) as [keyof typeof RUNTIME_KEYS, string[]][]) {
    const mapper = new SnapshotMapper(entriesOf(source));
    const snapshot = Object.fromEntries(keys.map((k) => [k, 1]));
    assert.deepEqual(mapper.map(snapshot).unknown, [], `${source}: keys the catalogue does not declare`);
  }
});

test('every snapshot entry of the catalogue is a key some runtime source writes', () => {
  const sources = Object.keys(RUNTIME_KEYS) as (keyof typeof RUNTIME_KEYS)[];
  const undeclared: string[] = [];
  for (const entry of CATALOGUE) {
    if (entry.snapshotKey === undefined) continue;
    const composite = entry.type === 'summary' || entry.type === 'histogram';
    for (const instance of instances(entry.snapshotKey)) {
      const key = instance + (composite ? '/count' : '');
      for (const source of entry.sources)
        if ((sources as string[]).includes(source) && !declaredByRuntime(source as keyof typeof RUNTIME_KEYS, key)) undeclared.push(`${source} ${key}`);
    }
  }
  assert.deepEqual(undeclared, []);
});

test('hierarchical role names and percent-encoded framework names come out as labels', () => {
  const mapper = new SnapshotMapper(entriesOf('mesos_master'));
  const { samples, unknown } = mapper.map({
    'allocator/mesos/roles/eng/web/shares/dominant': 0.25,
    'allocator/mesos/quota/roles/eng/web/resources/cpus/guarantee': 2,
    'master/frameworks/my%20app/fw-1/calls/accept': 7,
    'registrar/state_store_ms/p99': 12,
    'registrar/state_store_ms/max': 20,
    'registrar/state_store_ms': 3,
    'allocator/event_queue_dispatches': 0,
  });
  assert.deepEqual(unknown, []);
  const byName = (name: string) => samples.filter((s) => s.metric.prometheusName === name).map((s) => ({ labels: s.labels, value: s.value }));
  assert.deepEqual(byName('mesos_allocator_roles_shares_dominant'), [{ labels: { role: 'eng/web' }, value: 0.25 }]);
  assert.deepEqual(byName('mesos_allocator_quota_guarantee'), [{ labels: { role: 'eng/web', resource: 'cpus' }, value: 2 }]);
  assert.deepEqual(byName('mesos_framework_calls_by_type_total'), [{ labels: { framework: 'my app', framework_id: 'fw-1', call: 'accept' }, value: 7 }]);
  // The timer's last value and the deprecated alias are covered but not exported again.
  assert.deepEqual(byName('mesos_registrar_state_store_seconds'), [
    { labels: { quantile: '0.99' }, value: 12 },
    { labels: { quantile: '1' }, value: 20 },
  ]);
  assert.equal(byName('mesos_allocator_legacy_event_queue_dispatches').length, 0);
});

test('a catalogue that declares one Prometheus name two ways, or one key twice, is rejected', () => {
  const a = snapshotEntry(['mesos_master'], 'gauge', 'master/elected', 'Elected.');
  const b = snapshotEntry(['mesos_agent'], 'counter', 'slave/registered', 'Registered.', { prometheusName: 'mesos_stats_elected_total' });
  assert.doesNotThrow(() => assertConsistent([a, b]));
  const sameNameOtherType = snapshotEntry(['mesos_agent'], 'counter', 'slave/registered', 'Registered.', { prometheusName: a.prometheusName });
  assert.throws(() => assertConsistent([a, { ...sameNameOtherType, type: 'gauge', help: 'Other.' }]), /mesos_stats_elected is declared twice, differently/);
  assert.throws(() => assertConsistent([a, a]), /declared twice/);
});

test('names follow the rules: dotted names are unique per source, counters end in _total, base units in Prometheus', () => {
  const seen = new Map<string, CatalogueSource[]>();
  for (const e of CATALOGUE) {
    for (const s of e.sources) {
      const id = `${s} ${e.dottedName}`;
      assert.ok(!seen.has(id), `${id} declared twice`);
      seen.set(id, [s]);
    }
    assert.ok(!/_ms$|_ms_|_secs$|_percent$/.test(e.prometheusName), `${e.prometheusName}: not in base units`);
    assert.equal(e.prometheusName.endsWith('_total'), e.type === 'counter', `${e.prometheusName}: _total iff counter`);
  }
});

test("the README's catalogue table is the catalogue's (npm run catalogue:readme rewrites it)", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  assert.equal(readme, withCatalogueTable(readme, CATALOGUE));
});
