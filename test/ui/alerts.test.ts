/** The status page's alerts fire at the Prometheus rules' thresholds (dashboards/alerts/thresholds.ts), no others. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { THRESHOLDS } from '../../dashboards/alerts/thresholds.ts';
import { alertsOf } from '../../ui/client/alerts.ts';
import type { StateSummary, SummaryAgent } from '../../ui/client/cluster-types.ts';

const agent = (hostname: string, cpusUsed: number, cpusTotal = 10): SummaryAgent => ({
  id: hostname,
  hostname,
  resources: { cpus: cpusTotal, mem: 1000, disk: 1000 },
  used_resources: { cpus: cpusUsed, mem: 0, disk: 0 },
  active: true,
});
const summary = (...slaves: SummaryAgent[]): StateSummary => ({ hostname: 'm', cluster: 'c', slaves, frameworks: [] });
const texts = (s: StateSummary) => alertsOf(s, [], []).map((a) => `${a.severity}: ${a.text}`);

test('cluster allocation: none just under the warning, a warning at it, critical at the critical threshold', () => {
  const { warning, critical } = THRESHOLDS.clusterResourceUsedRatio;
  // Two agents of 10 cpus, each allocated the same fraction (under the per-agent threshold up to the cluster's warning).
  const at = (ratio: number) => summary(agent('a', 10 * ratio), agent('b', 10 * ratio));
  assert.deepEqual(texts(at(warning - 0.01)), []);
  assert.equal(texts(at(warning)).filter((t) => t.startsWith('warning: Cluster cpus')).length, 1);
  assert.deepEqual(texts(at(critical)).filter((t) => t.startsWith('critical: Cluster cpus')).length, 1);
  assert.equal(texts(at(critical)).filter((t) => t.startsWith('warning: Cluster')).length, 0, 'critical replaces the warning');
});

test("one agent at its threshold warns, naming it, while the cluster as a whole does not", () => {
  const ratio = THRESHOLDS.agentResourceUsedRatio.warning;
  const alerts = texts(summary(agent('busy', 10 * ratio), agent('idle', 0)));
  assert.deepEqual(alerts, [`warning: Agent busy: cpus ${Math.round(ratio * 100)}% allocated (warning at ${Math.round(ratio * 100)}%)`]);
});

test('an unhealthy unit and a node that did not answer are critical; healthy ones are not alerts', () => {
  const alerts = alertsOf(
    undefined,
    [{ id: 'dcos-x.service', name: 'X', health: 1, description: '' }, { id: 'dcos-y.service', name: 'Y', health: 0, description: '' }],
    [{ host_ip: '10.0.0.2', health: 3, role: 'agent' }, { host_ip: '10.0.0.1', health: 0, role: 'master' }],
  );
  assert.deepEqual(alerts.map((a) => [a.severity, a.text]), [
    ['critical', 'Unit dcos-x.service (X) is unhealthy on at least one node'],
    ['critical', 'Node 10.0.0.2 (agent) did not answer the health pull'],
  ]);
});
