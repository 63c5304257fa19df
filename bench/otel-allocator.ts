/**
 * `npm run bench:otel` — what OpenTelemetry costs the allocator: the DeclineOffers 10,000 × 1,000 cycle (as
 * bench/allocator.ts) with tracing off (no SDK: the API's no-op spans) and on (NodeSDK as minidc starts it: traces, and
 * the allocator's `/metrics/snapshot` keys through the catalogue export, over OTLP/HTTP protobuf every second to a
 * sink in the same process, which reads and discards each request). Off and on alternate in separate processes so neither gets a warmer machine. Between
 * rounds the event loop is let run for a while, as the allocation loop does between cycles, so the exports happen.
 *
 * Also prints what one span costs (start + end), with no SDK and with the SDK recording.
 *
 * Usage: npm run bench:otel [-- --rounds N] [-- --runs N]
 * The last line printed is `otel-allocator 10000x1000 off_median_ms=<n> on_median_ms=<n> slower_pct=<n>`.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCatalogueMetrics } from '../collectors/otel/catalogue-metrics.ts';
import type { MetricDeclaration, Sample } from '../collectors/metric.ts';
import { startOtel } from '../collectors/otel/otel-sdk.ts';
import { percentile } from '../runtime/metrics/windowed-timer.ts';
import { startSpan } from '../runtime/telemetry/tracer.ts';
import { declineOffersCluster } from './decline-offers.ts';

const AGENTS = 10_000;
const FRAMEWORKS = 1_000;
/** The event loop's turn between cycles (the allocation interval is 1 s; this keeps the bench short). */
const GAP_MS = 100;
const SPANS_FOR_COST = 200_000;

interface RunResult {
  mode: 'off' | 'on';
  times: number[];
  spanNs: number;
  exports: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function spanCostNs(): number {
  const t0 = performance.now();
  for (let i = 0; i < SPANS_FOR_COST; i++) startSpan('bench.span').end();
  return ((performance.now() - t0) * 1e6) / SPANS_FOR_COST;
}

/** The allocator's snapshot as catalogue samples (gauges named after the keys), what a master node would export. */
function snapshotScrape(snapshot: () => Record<string, number>): () => Promise<Sample[]> {
  const declarations = new Map<string, MetricDeclaration>();
  const declare = (key: string): MetricDeclaration => {
    let d = declarations.get(key);
    if (d === undefined) declarations.set(key, (d = { prometheusName: key.replace(/[^a-zA-Z0-9_]/g, '_'), dottedName: `mesos.${key.replace(/\//g, '.')}`, type: 'gauge', help: key }));
    return d;
  };
  return async () => Object.entries(snapshot()).map(([key, value]) => ({ metric: declare(key), value }));
}

async function child(mode: 'off' | 'on', rounds: number): Promise<RunResult> {
  let exports = 0;
  let stop = async () => {};
  const cluster = declineOffersCluster(AGENTS, FRAMEWORKS);
  if (mode === 'on') {
    const sink = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        exports++;
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
    const otel = await startOtel({
      serviceName: 'bench',
      metrics: { url: `${url}/v1/metrics`, protocol: 'http/protobuf', intervalMs: 1000, timeoutMs: 1000 },
      traces: { url: `${url}/v1/traces`, protocol: 'http/protobuf' },
    });
    const exported = await startCatalogueMetrics(snapshotScrape(() => cluster.allocator.snapshot()));
    stop = async () => {
      exported.stop();
      await otel.shutdown();
      sink.close();
    };
  }
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    times.push(cluster.round().ms);
    await sleep(GAP_MS);
  }
  // After the rounds: 200,000 spans would fill the batch processor's queue while the cycles are timed.
  const spanNs = spanCostNs();
  await stop();
  return { mode, times, spanNs, exports };
}

const fixed = (n: number) => n.toFixed(2);
const rounds = Number(arg('--rounds') ?? 20);
const mode = arg('--child');

if (mode === 'off' || mode === 'on') {
  process.stdout.write(JSON.stringify(await child(mode, rounds)) + '\n');
} else {
  const runs = Number(arg('--runs') ?? 3);
  const self = fileURLToPath(import.meta.url);
  const all: Record<'off' | 'on', number[]> = { off: [], on: [] };
  const spanNs: Record<'off' | 'on', number[]> = { off: [], on: [] };
  console.log(`# otel-allocator: DeclineOffers ${AGENTS}x${FRAMEWORKS}, ${runs} runs x ${rounds} rounds per mode, node ${process.version}`);
  for (let i = 0; i < runs; i++) {
    for (const m of ['off', 'on'] as const) {
      const c = spawnSync(process.execPath, [...process.execArgv, self, '--child', m, '--rounds', String(rounds)], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      if (c.status !== 0) {
        console.error(`bench ${m} failed: ${c.stderr.trim().split('\n').pop()}`);
        process.exit(1);
      }
      const r = JSON.parse(c.stdout.trim().split('\n').pop()!) as RunResult;
      const sorted = [...r.times].sort((x, y) => x - y);
      console.log(`run ${i + 1} ${m.padEnd(3)} median_ms=${fixed(percentile(sorted, 0.5))} p90_ms=${fixed(percentile(sorted, 0.9))} span_ns=${fixed(r.spanNs)} otlp_requests=${r.exports}`);
      all[m].push(...r.times);
      spanNs[m].push(r.spanNs);
    }
  }
  const median = (xs: number[]) => percentile([...xs].sort((x, y) => x - y), 0.5);
  const off = median(all.off);
  const on = median(all.on);
  console.log(`span cost: no SDK ${fixed(median(spanNs.off))} ns, SDK recording ${fixed(median(spanNs.on))} ns (start + end, batch processor)`);
  console.log(`otel-allocator ${AGENTS}x${FRAMEWORKS} off_median_ms=${fixed(off)} on_median_ms=${fixed(on)} slower_pct=${fixed(((on - off) / off) * 100)}`);
}
