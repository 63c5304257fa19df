/**
 * Injected faults fire the matching alerts of dashboards/prometheus/minidc-alerts.rules.yml in a real Prometheus
 * scraping every node of an embedded cluster (the app's node services, in-process so units can be stopped as
 * systemctl would), and the alerts clear after recovery. The five faults run at once on different nodes and units
 * of one cluster, with short scrape and evaluation intervals; the rules' own `for:` windows are kept. One range is
 * compressed like the intervals: the crash loop's 5 min failure window becomes 30 s, so that its alert is seen to
 * clear within the test (every other rule is loaded as shipped).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Cluster } from '../../runtime/cluster/cluster.ts';
import { metricsInstance, startFaultCluster, type ClusterFault } from '../support/cluster-faults.ts';
import { REPO_ROOT } from '../support/minidc-cli.ts';
import { startPrometheus, type PrometheusAlert, type RunningPrometheus } from '../support/prometheus.ts';

const RULES = join(REPO_ROOT, 'dashboards', 'prometheus', 'minidc-alerts.rules.yml');
// A scrape of a node whose forwarder hangs waits for the 2 s liveness probe, and a loaded machine adds seconds to every
// scrape (each reads the node's /system/health/v1, which runs its probes): the scrape timeout must outlast both.
const SCRAPE_SECONDS = 3;
const CRASH_LOOP_WINDOW = '30s';

/** The shipped rule file with the crash loop's failure window compressed to CRASH_LOOP_WINDOW. */
async function rulesAtTestScale(into: string): Promise<string> {
  const doc = parse(await readFile(RULES, 'utf8')) as { groups: { rules: { alert?: string; expr: string }[] }[] };
  const rule = doc.groups.flatMap((g) => g.rules).find((r) => r.alert === 'MarathonAppCrashLoop');
  assert.ok(rule !== undefined && rule.expr.includes('[5m]'), `MarathonAppCrashLoop counts failures over [5m]: ${rule?.expr}`);
  rule.expr = rule.expr.replace('[5m]', `[${CRASH_LOOP_WINDOW}]`);
  const path = join(into, 'minidc-alerts.rules.yml');
  await writeFile(path, stringify(doc, { lineWidth: 0 }));
  return path;
}

let dir: string;
let cluster: Cluster;
let prometheus: RunningPrometheus;
let faults: ClusterFault[];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-fault-alerts-'));
  ({ cluster, faults } = await startFaultCluster(dir));
  prometheus = await startPrometheus(
    cluster.nodes.map((n) => ({ address: metricsInstance(n) })),
    { scrapeIntervalSeconds: SCRAPE_SECONDS, evaluationIntervalSeconds: 1, ruleFiles: [await rulesAtTestScale(dir)] },
  );
  await prometheus.waitFor('up == 1', (v) => v.length === cluster.nodes.length, 30_000).catch(async (err: Error) => {
    const targets = (await (await fetch(`${prometheus.url}/api/v1/targets`)).json()) as { data: { activeTargets: { scrapeUrl: string; lastError: string }[] } };
    throw new Error(`${err.message}; targets: ${targets.data.activeTargets.map((t) => `${t.scrapeUrl} ${t.lastError}`).join('; ')}`);
  });
});

after(async () => {
  await prometheus?.stop();
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
});

const matches = (alert: PrometheusAlert, fault: ClusterFault) =>
  alert.labels.alertname === fault.alert.name && Object.entries(fault.alert.labels).every(([k, v]) => alert.labels[k] === v);

async function untilAlerts(what: string, done: (alerts: PrometheusAlert[]) => boolean, withinMs: number): Promise<PrometheusAlert[]> {
  const until = Date.now() + withinMs;
  for (;;) {
    const alerts = await prometheus.alerts();
    if (done(alerts)) return alerts;
    if (Date.now() > until) throw new Error(`${what} within ${withinMs} ms; active: ${JSON.stringify(alerts.map((a) => [a.labels, a.state]))}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

test('before any fault none of the alerts the faults raise is active', async () => {
  const alerts = await prometheus.alerts();
  for (const fault of faults) assert.ok(!alerts.some((a) => matches(a, fault)), `${fault.name}: ${JSON.stringify(alerts.map((a) => a.labels))}`);
});

test('each injected fault fires its alert, and each alert clears after recovery', async () => {
  await Promise.all(faults.map((f) => f.inject()));
  const firing = await untilAlerts(
    `every fault's alert firing (${faults.map((f) => f.alert.name).join(', ')})`,
    (alerts) => faults.every((f) => alerts.some((a) => matches(a, f) && a.state === 'firing')),
    75_000,
  );
  // The right unit on the right node, and nothing blamed on a node no fault touched.
  const unitAlerts = firing.filter((a) => a.labels.alertname === 'UnitUnhealthy' && a.state === 'firing');
  const blamed = new Set(unitAlerts.map((a) => `${a.labels.node} ${a.labels.unit}`));
  const expected = new Set(faults.filter((f) => f.alert.name === 'UnitUnhealthy').map((f) => `${f.node.ip} ${f.unit}`));
  for (const b of blamed) assert.ok(expected.has(b), `UnitUnhealthy for ${b}, which no fault touched`);

  await Promise.all(faults.map((f) => f.recover()));
  // The crash loop's alert clears once its window (30 s here) holds fewer failures than the threshold.
  await untilAlerts('every alert cleared', (alerts) => faults.every((f) => !alerts.some((a) => matches(a, f))), 75_000);
});
