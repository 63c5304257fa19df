/**
 * `npm run bench:hostile`: the memory a started cluster keeps after hostile HTTP requests. Starts a cluster in this
 * process (2 agents, 1 public agent, the sample app, ephemeral ports), records RSS and V8 heap, runs
 * bench/hostile-client.ts against the master, an agent and Marathon from a child process, then records RSS and heap
 * right after and after a full GC (run with --expose-gc), kind by kind. Environment: BENCH_KINDS (comma list).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Cluster } from '../runtime/cluster/cluster.ts';
import { loadClusterConfig } from '../runtime/cluster/cluster-config.ts';
import { deploySampleApp } from '../runtime/cluster/sample-app.ts';

const execFileAsync = promisify(execFile);
const client = fileURLToPath(new URL('./hostile-client.ts', import.meta.url));
const gc = (globalThis as { gc?: () => void }).gc;

function memory(): { rss: number; heap: number; external: number } {
  const m = process.memoryUsage();
  return { rss: m.rss / 1e6, heap: m.heapUsed / 1e6, external: m.external / 1e6 };
}
const show = (m: ReturnType<typeof memory>) => `RSS ${m.rss.toFixed(0)} MB, heap ${m.heap.toFixed(0)} MB, external ${m.external.toFixed(0)} MB`;
function settle(): void {
  gc?.();
  gc?.();
}

const dir = await mkdtemp(join(tmpdir(), 'minidc-bench-hostile-'));
const config = loadClusterConfig({ dataDir: dir, ports: 'ephemeral', sample: true, agents: '2', publicAgents: '1' });
const cluster = new Cluster(config);
await cluster.start();
await deploySampleApp(cluster, () => {});
const masterNode = cluster.nodes.find((n) => n.role === 'master')!;
const agentNode = cluster.nodes.find((n) => n.role === 'agent')!;
const master = masterNode.endpoints.mesos!;
const marathon = masterNode.endpoints.marathon!;
const agent = agentNode.endpoints.mesos!;
// Let the sample app come up, so state and sandboxes hold something.
await new Promise((r) => setTimeout(r, 5000));

console.log(`minidc bench:hostile — ${new Date().toISOString().slice(0, 10)}, ${cpus().length}× ${cpus()[0]?.model ?? '?'}, node ${process.version}${gc ? '' : ' (no --expose-gc: after-GC figures are not forced)'}`);
settle();
const before = memory();
console.log(`before: ${show(before)}`);
console.log('kind                           requests  seconds  peak RSS  RSS after  heap after  RSS after GC  statuses');
const KINDS = (process.env.BENCH_KINDS ?? 'slow_connection,oversized_body,oversized_body_unknown_route,bad_json,deep_json,deep_json_object,huge_query,long_query,many_params,odd_state_params,odd_files_params,unique_unknown_paths,unique_app_ids').split(',');
let total = 0;
for (const kind of KINDS) {
  let peak = memory().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, memory().rss)), 50);
  const started = performance.now();
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', client, master, agent, marathon, kind], {
    maxBuffer: 1 << 20,
    timeout: 600_000,
  });
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { total: number; statuses: Record<string, Record<string, number>> };
  total += result.total;
  const after = memory();
  settle();
  const collected = memory();
  console.log(
    `${kind.padEnd(30)} ${String(result.total).padStart(8)} ${seconds.toFixed(1).padStart(8)} ${peak.toFixed(0).padStart(6)} MB ${after.rss.toFixed(0).padStart(6)} MB ${after.heap.toFixed(0).padStart(8)} MB ${collected.rss.toFixed(0).padStart(9)} MB  ${JSON.stringify(result.statuses[kind] ?? {})}`,
  );
}
settle();
await new Promise((r) => setTimeout(r, 1000));
settle();
console.log(`after ${total} requests and GC: ${show(memory())}`);
const health = await fetch(`${master}/master/health`, { signal: AbortSignal.timeout(10_000) });
console.log(`master health after: ${health.status}`);
await cluster.stop();
await rm(dir, { recursive: true, force: true });
