/**
 * A real Prometheus (Debian's `prometheus` binary) for tests: started on loopback with a generated config (1 s
 * scrape interval, a temp storage dir, a free port), ready when `/-/ready` answers, queried through its HTTP API,
 * stopped and cleaned up by `stop()`. Also `promtool check metrics`, the linter Prometheus ships.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrometheusTarget {
  /** `host:port` */
  address: string;
  metricsPath?: string;
}

export interface VectorSample {
  metric: Record<string, string>;
  value: number;
}

/** How Prometheus runs: intervals in seconds (default 1) and rule files to load (absolute paths). */
export interface PrometheusOptions {
  scrapeIntervalSeconds?: number;
  /** At most the scrape interval; default the scrape interval. */
  scrapeTimeoutSeconds?: number;
  evaluationIntervalSeconds?: number;
  ruleFiles?: readonly string[];
}

/** An alert as `/api/v1/alerts` lists it (pending or firing). */
export interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}

export interface RunningPrometheus {
  url: string;
  /** Every active alert (pending and firing) of the loaded rules. */
  alerts(): Promise<PrometheusAlert[]>;
  /** An instant query; the vector it returns. */
  query(expression: string): Promise<VectorSample[]>;
  /** Polls `expression` until `accept` holds (at most `withinMs`), returning the accepted vector. */
  waitFor(expression: string, accept: (vector: VectorSample[]) => boolean, withinMs?: number): Promise<VectorSample[]>;
  stop(): Promise<void>;
}

const READY_WITHIN_MS = 30_000;
const QUERY_TIMEOUT_MS = 5_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function config(targets: readonly PrometheusTarget[], options: PrometheusOptions): string {
  const jobs = targets.map(
    (t, i) => `  - job_name: target${i}\n    metrics_path: ${JSON.stringify(t.metricsPath ?? '/metrics')}\n    static_configs:\n      - targets: [${JSON.stringify(t.address)}]\n`,
  );
  const scrape = options.scrapeIntervalSeconds ?? 1;
  const global = `global:\n  scrape_interval: ${scrape}s\n  scrape_timeout: ${options.scrapeTimeoutSeconds ?? scrape}s\n  evaluation_interval: ${options.evaluationIntervalSeconds ?? 1}s\n`;
  const rules = (options.ruleFiles ?? []).map((f) => `  - ${JSON.stringify(f)}\n`).join('');
  return `${global}${rules === '' ? '' : `rule_files:\n${rules}`}scrape_configs:\n${jobs.join('')}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startPrometheus(targets: readonly PrometheusTarget[], options: PrometheusOptions = {}): Promise<RunningPrometheus> {
  // The free port is found before Prometheus binds it, so a parallel test may take it first: try again then.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(targets, options);
    } catch (err) {
      if (attempt >= 3 || !/address already in use/.test((err as Error).message)) throw err;
    }
  }
}

async function startOnce(targets: readonly PrometheusTarget[], options: PrometheusOptions): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'minidc-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, config(targets, options));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(String(code ?? signal)));
    child.once('error', (err) => resolve(err.message));
  });
  let done = false;
  void exited.then(() => (done = true));

  const stop = async (): Promise<void> => {
    if (!done) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_WITHIN_MS;
  for (;;) {
    if (done) {
      await stop();
      throw new Error(`prometheus exited before it was ready (${await exited}): ${stderr.trim()}`);
    }
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready within ${READY_WITHIN_MS} ms: ${stderr.trim()}`);
    }
    await sleep(100);
  }

  const query = async (expression: string): Promise<VectorSample[]> => {
    const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expression)}`, { signal: AbortSignal.timeout(QUERY_TIMEOUT_MS) });
    const body = (await response.json()) as { status: string; error?: string; data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
    if (body.status !== 'success' || body.data?.resultType !== 'vector') throw new Error(`query ${expression}: ${body.error ?? JSON.stringify(body)}`);
    return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  };

  const waitFor = async (expression: string, accept: (vector: VectorSample[]) => boolean, withinMs = 30_000): Promise<VectorSample[]> => {
    const until = Date.now() + withinMs;
    let last: VectorSample[] = [];
    for (;;) {
      last = await query(expression);
      if (accept(last)) return last;
      if (Date.now() > until) throw new Error(`query ${expression}: not as expected within ${withinMs} ms; last result ${JSON.stringify(last)}`);
      await sleep(250);
    }
  };

  const alerts = async (): Promise<PrometheusAlert[]> => {
    const response = await fetch(`${url}/api/v1/alerts`, { signal: AbortSignal.timeout(QUERY_TIMEOUT_MS) });
    const body = (await response.json()) as { status: string; error?: string; data?: { alerts: PrometheusAlert[] } };
    if (body.status !== 'success' || body.data === undefined) throw new Error(`alerts: ${body.error ?? JSON.stringify(body)}`);
    return body.data.alerts;
  };

  return { url, alerts, query, waitFor, stop };
}

/** `promtool check metrics` on an exposition: exit status and what it printed (empty when clean). */
export function promtoolCheckMetrics(exposition: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8', timeout: 30_000 });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}
