/**
 * `npm run bench:ui`: the status page at 1,000 nodes × 30 units in headless Chromium (the tests' browser). A fake
 * API server in this process serves the real page (the Admin Router location itself) and synthetic answers on the
 * same paths: state-summary of 1,000 agents, dcos-diagnostics' unit and node lists, history samples. Each
 * update of the per-unit node lists flips BENCH_FLIPS (default 5) cells, as a cluster where a few units change
 * between two pulls; they are cells of the first VISIBLE_ROWS nodes, the rows on screen, so every update has DOM
 * to patch (a change off-screen costs only the diff).
 *
 * Figures: time to first meaningful paint (the page's `ready:<page>` mark, from navigation start) of the overview
 * and the components matrix over BENCH_LOADS (default 5) fresh loads; then BENCH_UPDATES (default 20) live updates
 * of the matrix: data in hand → frame painted (`update:components`), the fetch itself (`fetch:components`), and the
 * matrix's DOM mutations per update (only the changed rows should be touched). Targets: < 1 s, < 100 ms per update.
 */
import { cpus, loadavg } from 'node:os';
import Fastify from 'fastify';
import { statusUiLocation } from '../runtime/adminrouter/status-ui-location.ts';
import { launchChromium } from '../test/ui/headless-chromium.ts';
import { median, percentile } from './support/stats.ts';

const NODES = Number(process.env.BENCH_NODES ?? 1000);
const UNITS = Number(process.env.BENCH_UNITS ?? 30);
const LOADS = Number(process.env.BENCH_LOADS ?? 5);
const UPDATES = Number(process.env.BENCH_UPDATES ?? 20);
const FLIPS = Number(process.env.BENCH_FLIPS ?? 5);
const POLL_MS = 1000;

const UNIT_NAMES = [
  'dcos-adminrouter.service', 'dcos-adminrouter-agent.service', 'dcos-cosmos.service', 'dcos-diagnostics.service', 'dcos-diagnostics.socket',
  'dcos-exhibitor.service', 'dcos-gen-resolvconf.service', 'dcos-gen-resolvconf.timer', 'dcos-history.service', 'dcos-logrotate-agent.service',
  'dcos-logrotate-agent.timer', 'dcos-logrotate-master.service', 'dcos-logrotate-master.timer', 'dcos-marathon.service', 'dcos-mesos-dns.service',
  'dcos-mesos-master.service', 'dcos-mesos-slave.service', 'dcos-mesos-slave-public.service', 'dcos-metronome.service', 'dcos-minuteman.service',
  'dcos-navstar.service', 'dcos-net.service', 'dcos-pkgpanda-api.service', 'dcos-signal.service', 'dcos-signal.timer', 'dcos-spartan.service',
  'dcos-spartan-watchdog.service', 'dcos-spartan-watchdog.timer', 'dcos-telegraf.service', 'dcos-checks-poststart.timer',
].slice(0, UNITS);

const ips = Array.from({ length: NODES }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${(i & 255) + 1}`);
const roleOf = (i: number) => (i < 3 ? 'master' : i % 10 === 0 ? 'agent_public' : 'agent');
/** health[unit][node]; every unit runs on every node here, the worst case for the matrix. */
const health = UNIT_NAMES.map(() => new Uint8Array(NODES));
let flipsServed = 0;

const VISIBLE_ROWS = 20;

function flipCells(): void {
  for (let k = 0; k < FLIPS; k++) {
    const u = Math.floor(Math.random() * UNITS);
    const n = Math.floor(Math.random() * Math.min(VISIBLE_ROWS, NODES));
    health[u]![n] = health[u]![n] === 0 ? 1 : 0;
  }
  flipsServed++;
}

const agentSummary = (ip: string, i: number) => ({
  id: `bench-S${i}`,
  hostname: ip,
  attributes: roleOf(i) === 'agent_public' ? { public_ip: 'true' } : {},
  resources: { cpus: 16, mem: 65536, disk: 100000, gpus: 0 },
  used_resources: { cpus: (i % 16) * 0.9, mem: (i % 7) * 8192, disk: 0, gpus: 0 },
  active: true,
  TASK_RUNNING: i % 12,
});
const summary = JSON.stringify({
  hostname: ips[0],
  cluster: 'bench',
  slaves: ips.slice(3).map((ip, i) => agentSummary(ip, i + 3)),
  frameworks: [{ id: 'bench-0000', name: 'marathon', active: true, connected: true, used_resources: { cpus: 100, mem: 1000 }, TASK_RUNNING: 10_000 }],
});
let historyRequests = 0;

const app = Fastify();
await app.register(statusUiLocation);
const json = (body: string) => async (_request: unknown, reply: import('fastify').FastifyReply) => reply.type('application/json').send(body);
app.get('/mesos/master/state-summary', json(summary));
// The page asks a 1,000-agent cluster for one sample per half hour (a one-minute range each), never the whole day.
app.get<{ Querystring: { from?: string } }>('/dcos-history-service/history/day', async (request, reply) => {
  historyRequests++;
  return reply.type('application/json').send(request.query.from === undefined ? `[${Array.from({ length: 1440 }, () => summary).join(',')}]` : `[${summary}]`);
});
app.get('/system/health/v1/units', async () => ({
  units: UNIT_NAMES.map((id, u) => ({ id, name: id, health: health[u]!.some((h) => h !== 0) ? 1 : 0, description: 'bench unit' })),
}));
app.get('/system/health/v1/nodes', async () => ({ nodes: ips.map((host_ip, n) => ({ host_ip, health: health.some((row) => row[n] !== 0) ? 1 : 0, role: roleOf(n) })) }));
// The lists are rebuilt once per round, not per request: the figures are the page's, not this server's JSON work.
let lists = buildLists();
function buildLists(): string[] {
  return UNIT_NAMES.map((_id, u) => JSON.stringify({ nodes: ips.map((host_ip, n) => ({ host_ip, health: health[u]![n], role: roleOf(n) })) }));
}
app.get<{ Params: { unit: string } }>('/system/health/v1/units/:unit/nodes', async (request, reply) => {
  const u = UNIT_NAMES.indexOf(request.params.unit);
  if (u < 0) return reply.code(404).send(`${request.params.unit} not found`);
  // A new round of the 30 lists starts with the first unit's.
  if (u === 0) {
    flipCells();
    lists = buildLists();
  }
  return reply.type('application/json').send(lists[u]);
});
const base = await app.listen({ host: '127.0.0.1', port: 0 });

const browser = await launchChromium();
const readyMs = async (hash: string, name: string): Promise<number[]> => {
  const times: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/?poll=${POLL_MS}#/${hash}`);
    await page.waitForFunction((n) => performance.getEntriesByName(`ready:${n}`).length > 0, name, { timeout: 30_000 });
    times.push(await page.evaluate((n) => performance.getEntriesByName(`ready:${n}`)[0]!.startTime, name));
    await context.close();
  }
  return times.sort((a, b) => a - b);
};

const line = (label: string, sorted: number[]) =>
  `${label.padEnd(34)} median ${median(sorted).toFixed(0).padStart(5)} ms   p95 ${percentile(sorted, 95).toFixed(0).padStart(5)} ms   max ${sorted.at(-1)!.toFixed(0).padStart(5)} ms   (n=${sorted.length})`;

console.log(
  `minidc bench:ui — ${new Date().toISOString().slice(0, 16)}Z, ${cpus().length}× ${cpus()[0]?.model ?? '?'}, node ${process.version}, chromium ${browser.version()}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
);
console.log(`${NODES} nodes × ${UNITS} units; ${FLIPS} cells flipped per update (in rows on screen); poll every ${POLL_MS} ms`);
const overview = await readyMs('overview', 'overview');
console.log(line('overview first meaningful paint', overview));
const components = await readyMs('components', 'components');
console.log(line('components first meaningful paint', components));

const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
await page.goto(`${base}/?poll=${POLL_MS}#/components`);
await page.waitForFunction(() => performance.getEntriesByName('ready:components').length > 0);
const cellsInDom = await page.evaluate(() => document.querySelectorAll('[data-testid=health-matrix] td').length);
// Count the matrix's DOM mutations between updates: attribute and child-list changes inside its body.
await page.evaluate(() => {
  const w = window as unknown as { mutations: number[]; current: number };
  w.mutations = [];
  w.current = 0;
  new MutationObserver((records) => (w.current += records.length)).observe(document.querySelector('[data-testid=health-matrix] tbody')!, { subtree: true, childList: true, attributes: true, characterData: true });
  new PerformanceObserver((list) => {
    if (list.getEntriesByName('update:components').length === 0) return;
    w.mutations.push(w.current);
    w.current = 0;
  }).observe({ entryTypes: ['measure'] });
});
const firstUpdate = await page.evaluate(() => performance.getEntriesByName('update:components').length);
await page.waitForFunction((n) => performance.getEntriesByName('update:components').length >= n, firstUpdate + UPDATES, { timeout: UPDATES * POLL_MS * 10 });
const updates = await page.evaluate((skip) => performance.getEntriesByName('update:components').slice(skip).map((e) => e.duration), firstUpdate);
const fetches = await page.evaluate((skip) => performance.getEntriesByName('fetch:components').slice(skip).map((e) => e.duration), firstUpdate);
const mutations = await page.evaluate(() => (window as unknown as { mutations: number[] }).mutations.slice(1));
console.log(line('matrix update (data → painted)', updates.sort((a, b) => a - b)));
console.log(line('matrix fetch + parse (31 requests)', fetches.sort((a, b) => a - b)));
console.log(`matrix cells in the DOM: ${cellsInDom} of ${NODES * UNITS}; DOM mutations per update: median ${median(mutations.sort((a, b) => a - b))}, max ${mutations.at(-1)}; ${flipsServed} rounds served; ${historyRequests} history requests`);
console.log(`bench:ui overview_ms=${median(overview).toFixed(0)} components_ms=${median(components).toFixed(0)} update_median_ms=${median(updates).toFixed(1)} update_p95_ms=${percentile(updates, 95).toFixed(1)}`);
await browser.close();
await app.close();
