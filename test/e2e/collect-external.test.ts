/**
 * `minidc collect` in external mode, as a user runs it against a cluster it knows only by its master's URL: a
 * minidc cluster started as a separate process, the collector as another. Its /metrics holds the master's
 * `mesos_cluster_*` and every agent's `mesos_slave_*`, each series labelled with its target's `node` (host:port),
 * and passes promtool. A dead agent (closed port) or a hanging one leaves the scrape answering, with
 * `minidc_collector_up 0` for it and one log line across several scrapes; bad flags are one line and exit 1.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpointsOf, eventually, REPO_ROOT, startMinidc, type RunningMinidc } from '../support/minidc-cli.ts';
import { promtoolCheckMetrics } from '../support/prometheus.ts';

const BIN = join(REPO_ROOT, 'bin/minidc.js');

interface Collect {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  metricsUrl: string;
  exited: Promise<number | string>;
}

let root = '';
let cluster: RunningMinidc | undefined;
let masterUrl = '';
/** The agents' `host:port`, from endpoints.json (what the test knows; the collector is told only the master). */
let agentAddresses: string[] = [];
let agentUrls: string[] = [];
const collects: Collect[] = [];
const servers: Server[] = [];
const held: Socket[] = [];

const hostPort = (url: string) => new URL(url).host;

async function startCollect(args: string[]): Promise<Collect> {
  const child = spawn(process.execPath, [BIN, 'collect', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const partial = { child, stdout: () => out, stderr: () => err, exited };
  collects.push({ ...partial, metricsUrl: '' });
  const metricsUrl = await eventually(
    'minidc collect serving',
    () => {
      if (child.exitCode !== null) throw new Error(`minidc collect exited ${child.exitCode}: ${out}${err}`);
      return /serving (http:\/\/\S+\/metrics)/.exec(out)?.[1];
    },
    60_000,
  );
  const started = { ...partial, metricsUrl };
  collects[collects.length - 1] = started;
  return started;
}

async function scrape(c: Collect): Promise<string> {
  // A hang guard, not a timing assertion: a scrape with a dead target must still come back.
  const response = await fetch(c.metricsUrl, { signal: AbortSignal.timeout(30_000) });
  assert.equal(response.status, 200);
  return response.text();
}

/** The value of the one series `name{labels}` (label order as the exposition writes them), or undefined. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function seriesNodes(text: string, prefix: string): Set<string> {
  const nodes = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const node = /[{,]node="([^"]+)"/.exec(line)?.[1];
    assert.ok(node !== undefined, `every target series has a node label: ${line}`);
    nodes.add(node);
  }
  return nodes;
}

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'minidc-collect-'));
  const dataDir = join(root, 'cluster');
  cluster = startMinidc(['--ports', 'ephemeral', '--data-dir', dataDir, '--no-sample', '--agents', '2', '--public-agents', '1']);
  const endpoints = await endpointsOf(cluster, dataDir, 90_000);
  masterUrl = endpoints.nodes.find((n) => n.role === 'master')!.endpoints.mesos!;
  agentUrls = endpoints.nodes.filter((n) => n.role !== 'master').map((n) => n.endpoints.mesos!);
  agentAddresses = agentUrls.map(hostPort);
  await eventually('every agent registered', async () => {
    const res = await fetch(`${masterUrl}/master/slaves`, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { slaves: unknown[] };
    return body.slaves.length === agentUrls.length ? true : undefined;
  });
});

after(async () => {
  for (const c of collects) c.child.kill('SIGKILL');
  await Promise.all(collects.map((c) => c.exited));
  for (const s of held) s.destroy();
  for (const s of servers) s.close();
  if (cluster !== undefined) {
    cluster.child.kill('SIGTERM');
    await cluster.exited;
  }
  await rm(root, { recursive: true, force: true });
});

test('given only the master URL, it discovers every agent and serves their series, each with its node label', async () => {
  const collect = await startCollect(['--master', masterUrl, '--listen', '127.0.0.1:0']);
  assert.match(collect.stdout(), new RegExp(`${agentUrls.length} agent\\(s\\) discovered`));
  const text = await scrape(collect);
  const master = hostPort(masterUrl);
  assert.deepEqual([...seriesNodes(text, 'mesos_cluster_')], [master]);
  assert.deepEqual([...seriesNodes(text, 'mesos_slave_')].sort(), [...agentAddresses].sort());
  assert.equal(valueOf(text, `mesos_cluster_slaves_active{node="${master}"}`), agentUrls.length);
  for (const node of agentAddresses) {
    assert.equal(valueOf(text, `minidc_collector_up{collector="mesos_agent",node="${node}"}`), 1, node);
    assert.equal(valueOf(text, `minidc_collector_up{collector="containers",node="${node}"}`), 1, node);
    assert.equal(valueOf(text, `mesos_stats_registered{node="${node}"}`), 1, `${node} is registered with the master`);
    // system/* is the target's own snapshot (includeSystem), labelled like its other series.
    assert.ok(valueOf(text, `mesos_stats_system_cpus{node="${node}"}`)! > 0, node);
  }
  assert.equal(valueOf(text, `minidc_collector_up{collector="mesos_master",node="${master}"}`), 1);
  assert.equal(valueOf(text, `minidc_collector_up{collector="mesos_roles",node="${master}"}`), 1);
  const lint = promtoolCheckMetrics(text);
  assert.equal(lint.status, 0, lint.output);
  assert.equal(lint.output, '');
  assert.equal(collect.stderr(), '', 'nothing failed, so nothing is logged');

  collect.child.kill('SIGTERM');
  assert.equal(await collect.exited, 0, collect.stdout() + collect.stderr());
  assert.match(collect.stdout(), /SIGTERM: stopped/);
});

test('a dead or hanging agent: the scrape still answers, up 0 for it, its failure logged once across scrapes', async () => {
  const closedPort = await listening(createServer());
  await new Promise((resolve) => servers.pop()!.close(resolve)); // bound and released: nothing listens there now
  // Accepts connections and never answers: only the collector's cut-off ends its requests.
  const hangingPort = await listening(createServer((socket) => held.push(socket)));
  const dead = `127.0.0.1:${closedPort}`;
  const hanging = `127.0.0.1:${hangingPort}`;
  const live = agentAddresses[0]!;
  const collect = await startCollect([
    '--master', masterUrl, '--listen', '127.0.0.1:0', '--timeout', '3',
    '--agent', agentUrls[0]!, '--agent', `http://${dead}`, '--agent', `http://${hanging}`,
  ]);
  assert.match(collect.stdout(), /3 agent\(s\) given/);
  for (let i = 0; i < 3; i++) {
    const text = await scrape(collect);
    assert.equal(valueOf(text, `minidc_collector_up{collector="mesos_agent",node="${live}"}`), 1);
    assert.equal(valueOf(text, `minidc_collector_up{collector="mesos_agent",node="${dead}"}`), 0);
    assert.equal(valueOf(text, `minidc_collector_up{collector="containers",node="${dead}"}`), 0);
    assert.equal(valueOf(text, `minidc_collector_up{collector="mesos_agent",node="${hanging}"}`), 0);
    // Cut at --timeout (a timer may fire a hair before the clock reads 3 s, hence not >= 3).
    const hung = valueOf(text, `minidc_collector_duration_seconds{collector="mesos_agent",node="${hanging}"}`)!;
    assert.ok(hung > 2.9 && hung < 30, `cut at --timeout: ${hung}`);
    assert.deepEqual([...seriesNodes(text, 'mesos_slave_')], [live], 'only the live agent has samples');
    const lint = promtoolCheckMetrics(text);
    assert.equal(lint.status, 0, lint.output);
  }
  const lines = collect.stderr().split('\n').filter(Boolean);
  const about = (node: string, collector: string) => lines.filter((l) => l.includes(`collector ${collector}{node="${node}"} failed`));
  assert.equal(about(dead, 'mesos_agent').length, 1, lines.join('\n'));
  assert.match(about(dead, 'mesos_agent')[0]!, new RegExp(`^minidc collect: error: collector mesos_agent\\{node="${dead}"\\} failed: GET http://${dead}/metrics/snapshot: ECONNREFUSED$`));
  assert.equal(about(dead, 'containers').length, 1, lines.join('\n'));
  assert.equal(about(hanging, 'mesos_agent').length, 1, lines.join('\n'));
  assert.match(about(hanging, 'mesos_agent')[0]!, /timed out after 3000 ms|no complete response within 3000 ms/);
  assert.equal(lines.length, 4, `one line per failing collector and target:\n${lines.join('\n')}`);
});

test('an unreachable master: it still starts and serves, the master down and discovery failing logged once', async () => {
  const closedPort = await listening(createServer());
  await new Promise((resolve) => servers.pop()!.close(resolve));
  const master = `127.0.0.1:${closedPort}`;
  const collect = await startCollect(['--master', `http://${master}`, '--listen', '127.0.0.1:0']);
  assert.match(collect.stdout(), /0 agent\(s\) discovered/);
  for (let i = 0; i < 3; i++) {
    const text = await scrape(collect);
    assert.equal(valueOf(text, `minidc_collector_up{collector="mesos_master",node="${master}"}`), 0);
    assert.equal(valueOf(text, `minidc_collector_up{collector="mesos_roles",node="${master}"}`), 0);
  }
  const lines = collect.stderr().split('\n').filter(Boolean);
  assert.deepEqual(
    lines.map((l) => l.replace(/: GET .*/, '')).sort(), // the two collectors run at once, so either may log first
    ['minidc collect: error: agent discovery failed', `minidc collect: error: collector mesos_master{node="${master}"} failed`, `minidc collect: error: collector mesos_roles{node="${master}"} failed`],
    lines.join('\n'),
  );
});

/** Runs `minidc collect ARGS` to its end (asynchronously, so several run at once). */
function runCollect(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'collect', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.on('close', (status) => (clearTimeout(killer), resolve({ status, stdout, stderr }))));
}

test('bad flags end in one line on stderr and exit status 1', async () => {
  const cases: [string[], RegExp][] = [
    [[], /^minidc: required option '--master <url>' not specified\n$/],
    [['--master', 'not a url'], /^minidc: option '--master <url>' argument 'not a url' is invalid\. Expected a base URL such as http:\/\/10\.0\.0\.1:5050\.\n$/],
    [['--master', 'http://127.0.0.1:5050', '--listen', '127.0.0.1'], /^minidc: option '--listen <addr>' argument '127\.0\.0\.1' is invalid\. Expected host:port/],
    [['--master', 'http://127.0.0.1:5050', '--timeout', '-1'], /^minidc: option '--timeout <secs>' argument '-1' is invalid\. Expected seconds/],
    [['--master', 'http://127.0.0.1:5050', '--bogus'], /^minidc: unknown option '--bogus'\n$/],
    [['--master', 'http://127.0.0.1:5050', '--agent', 'http://127.0.0.1:1', '--agent', 'http://127.0.0.1:1'], /^minidc: --agent 127\.0\.0\.1:1 is given twice\n$/],
  ];
  const results = await Promise.all(cases.map(([args]) => runCollect(args)));
  for (const [i, [args, expected]] of cases.entries()) {
    const r = results[i]!;
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, expected);
    assert.equal(r.stderr.split('\n').length, 2, `one line: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
});

test('a port in use is one line and exit status 1, with nothing left running', async () => {
  const port = await listening(createServer());
  const r = await runCollect(['--master', masterUrl, '--listen', `127.0.0.1:${port}`]);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, `minidc: cannot listen on 127.0.0.1:${port}: address already in use\n`);
});
