/**
 * `npm run bench:diagnosis`: time to diagnosis (issue 13). An embedded cluster with the default config (the master's
 * diagnostics pull every 15 s, 2 s liveness probes, 5 s host readings) and a real Prometheus scraping every node
 * with the rules of dashboards/prometheus/minidc-alerts.rules.yml at the intervals the README recommends; the five
 * faults of test/support/cluster-faults.ts injected at once on different nodes and units. For each fault, seconds
 * from injection to (1) its alert firing in Prometheus, (2) the master's `/system/health/v1/report` naming the node
 * and unit unhealthy (the report holds unit health only: "n/a" for a crash loop or a full disk), (3) a new cluster
 * bundle's summaryReport.txt naming the cause (bundles are made one after another; the time is when the first one
 * that names it is downloaded). Targets: (1) <= 30 s (disk <= 60 s), (2) <= 60 s, (3) present. "miss" is printed
 * when a figure is not reached within BENCH_WITHIN_S; a firing alert that resolves while its fault is still in place
 * is reported as flapping.
 *
 * The DNS watchdog's schedule is set yearly, or its run every 5 min would restart the hung forwarder and cure that
 * fault before it is diagnosed. Environment: BENCH_SCRAPE_S (5), BENCH_EVAL_S (5), BENCH_WITHIN_S (120).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterReport } from '../diagnostics/cluster/cluster-report.ts';
import { HEALTHY } from '../diagnostics/health/health-codes.ts';
import { metricsInstance, startFaultCluster, type ClusterFault } from '../test/support/cluster-faults.ts';
import { REPO_ROOT } from '../test/support/minidc-cli.ts';
import { startPrometheus, type PrometheusAlert } from '../test/support/prometheus.ts';

const SCRAPE_S = Number(process.env.BENCH_SCRAPE_S ?? 5);
const EVAL_S = Number(process.env.BENCH_EVAL_S ?? 5);
const WITHIN_MS = Number(process.env.BENCH_WITHIN_S ?? 120) * 1000;
const RULES = join(REPO_ROOT, 'dashboards', 'prometheus', 'minidc-alerts.rules.yml');

interface Times {
  alert?: number;
  report?: number;
  bundle?: number;
  flapped: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const getJson = async <T>(url: string, init: RequestInit = {}): Promise<T> => {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000), ...init });
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
};

function alertFiring(alerts: readonly PrometheusAlert[], fault: ClusterFault): boolean {
  return alerts.some(
    (a) => a.state === 'firing' && a.labels.alertname === fault.alert.name && Object.entries(fault.alert.labels).every(([k, v]) => a.labels[k] === v),
  );
}

function reportNames(report: ClusterReport, fault: ClusterFault): boolean {
  const node = Object.values(report.Nodes ?? {}).find((n) => n.IP === fault.node.ip);
  return node?.Units?.some((u) => u.UnitName === fault.unit && u.Health !== HEALTHY) ?? false;
}

/** Makes a cluster bundle, waits until it is Done, and returns its summaryReport.txt. */
async function bundleSummary(diagnostics: string, dir: string, id: string): Promise<string> {
  const base = `${diagnostics}/system/health/v1/diagnostics/${id}`;
  await getJson(base, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
  for (;;) {
    const { status } = await getJson<{ status: string }>(base);
    if (status === 'Done') break;
    if (status !== 'Started' && status !== 'InProgress') throw new Error(`bundle ${id} ${status}`);
    await sleep(500);
  }
  const zip = join(dir, `${id}.zip`);
  const response = await fetch(`${base}/file`, { signal: AbortSignal.timeout(60_000) });
  await writeFile(zip, Buffer.from(await response.arrayBuffer()));
  const summary = execFileSync('unzip', ['-p', zip, 'summaryReport.txt'], { encoding: 'utf8' });
  await rm(zip);
  return summary;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'minidc-bench-diagnosis-'));
  const { cluster, faults } = await startFaultCluster(dir);
  const prometheus = await startPrometheus(
    cluster.nodes.map((n) => ({ address: metricsInstance(n) })),
    // A scrape reads the node's /system/health/v1, whose probes wait up to 2 s on a hung component.
    { scrapeIntervalSeconds: SCRAPE_S, scrapeTimeoutSeconds: Math.min(SCRAPE_S, 8), evaluationIntervalSeconds: EVAL_S, ruleFiles: [RULES] },
  );
  const times = new Map<ClusterFault, Times>(faults.map((f) => [f, { flapped: false }]));
  try {
    await prometheus.waitFor('up == 1', (v) => v.length === cluster.nodes.length, 60_000);
    // A report of the healthy cluster first, so the timings start from a pulled, healthy state.
    await sleep(SCRAPE_S * 1000);
    const load = loadavg();
    const injected = Date.now();
    await Promise.all(faults.map((f) => f.inject()));
    const elapsed = () => (Date.now() - injected) / 1000;
    const deadline = injected + WITHIN_MS;
    const diagnostics = cluster.nodes.find((n) => n.role === 'master')!.endpoints.diagnostics!;

    const watchAlerts = async () => {
      while (Date.now() < deadline && faults.some((f) => times.get(f)!.alert === undefined)) {
        const alerts = await prometheus.alerts();
        for (const f of faults) {
          const t = times.get(f)!;
          const firing = alertFiring(alerts, f);
          if (firing && t.alert === undefined) t.alert = elapsed();
          if (!firing && t.alert !== undefined) t.flapped = true;
        }
        await sleep(500);
      }
    };
    const watchReport = async () => {
      const unitFaults = faults.filter((f) => f.unit !== undefined);
      while (Date.now() < deadline && unitFaults.some((f) => times.get(f)!.report === undefined)) {
        // The served report, as a user reads it: refreshed by the master's pull, not forced (?cache=0).
        const report = await getJson<ClusterReport>(`${diagnostics}/system/health/v1/report`);
        for (const f of unitFaults) if (times.get(f)!.report === undefined && reportNames(report, f)) times.get(f)!.report = elapsed();
        await sleep(500);
      }
    };
    let lastSummary = '';
    const watchBundles = async () => {
      for (let n = 1; Date.now() < deadline && faults.some((f) => times.get(f)!.bundle === undefined); n++) {
        lastSummary = await bundleSummary(diagnostics, dir, `diagnosis-${n}`);
        for (const f of faults) if (times.get(f)!.bundle === undefined && f.cause.test(lastSummary)) times.get(f)!.bundle = elapsed();
      }
    };
    await Promise.all([watchAlerts(), watchReport(), watchBundles()]);
    // Flapping is judged a while after firing too: keep watching alerts until the window ends.
    while (Date.now() < Math.min(deadline, injected + 90_000)) {
      const alerts = await prometheus.alerts();
      for (const f of faults) if (times.get(f)!.alert !== undefined && !alertFiring(alerts, f)) times.get(f)!.flapped = true;
      await sleep(1000);
    }
    await Promise.all(faults.map((f) => f.recover()));

    const show = (v: number | undefined, applies = true) => (!applies ? 'n/a' : v === undefined ? 'miss' : v.toFixed(1));
    console.log(`bench:diagnosis ${new Date().toISOString()}, ${cpus().length} CPUs, load average at injection ${load.map((l) => l.toFixed(2)).join(' ')}`);
    console.log(`Prometheus scrape ${SCRAPE_S} s, evaluation ${EVAL_S} s; diagnostics pull ${cluster.config.diagnosticsPullIntervalMs / 1000} s; figures in seconds from injection`);
    console.log('| fault | alert | fires | report names node+unit | bundle summary names cause | flapped |');
    console.log('|---|---|---|---|---|---|');
    if (faults.some((f) => times.get(f)!.bundle === undefined)) console.log(`\nThe last bundle's summaryReport.txt, which misses a cause:\n${lastSummary}`);
    for (const f of faults) {
      const t = times.get(f)!;
      console.log(`| ${f.name} (${f.node.ip}) | ${f.alert.name} | ${show(t.alert)} | ${show(t.report, f.unit !== undefined)} | ${show(t.bundle)} | ${t.flapped ? 'yes' : 'no'} |`);
    }
  } finally {
    await prometheus.stop();
    await cluster.stop().catch((err: unknown) => console.error(`stopping the cluster: ${String(err)}`));
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
