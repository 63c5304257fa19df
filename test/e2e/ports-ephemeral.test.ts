/**
 * Task ports of clusters sharing a machine: with `--ports ephemeral` each cluster offers a block of its own, so two
 * started at the same time never hand out the same host port; the block stays with the data dir across restarts
 * and is free again once that data dir is gone; `task_ports` in the config overrides it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpointsOf, eventually, minidc, startMinidc, type RunningMinidc } from '../support/minidc-cli.ts';

let root = '';
let claimsDir = '';
const runs: RunningMinidc[] = [];

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'minidc-ports-'));
  // Claims are machine-wide ($TMPDIR/minidc-task-ports); a private TMPDIR, inherited by every minidc started here,
  // keeps other clusters on this machine out of the picture.
  const machineTmp = join(root, 'tmp');
  await mkdir(machineTmp);
  process.env.TMPDIR = machineTmp;
  claimsDir = join(machineTmp, 'minidc-task-ports');
});

after(async () => {
  for (const r of runs) r.child.kill('SIGKILL');
  await Promise.all(runs.map((r) => r.exited));
  await rm(root, { recursive: true, force: true });
});

interface Cluster {
  dir: string;
  run: RunningMinidc;
  /** Each agent's offered `ports`, from the master's /master/slaves and the agent's own /state. */
  ports: string[];
}

async function json<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return (await res.json()) as T;
}

async function startCluster(name: string, extra: string[] = []): Promise<Cluster> {
  const dir = join(root, name);
  await rm(join(dir, 'endpoints.json'), { force: true });
  const run = startMinidc(['--ports', 'ephemeral', '--data-dir', dir, '--no-sample', '--agents', '1', '--public-agents', '1', ...extra]);
  runs.push(run);
  const endpoints = await endpointsOf(run, dir);
  const [master, ...agents] = endpoints.nodes;
  const slaves = await eventually(`${name}'s agents registered`, async () => {
    const s = await json<{ slaves: { hostname: string; resources: { ports: string } }[] }>(`${master!.endpoints.mesos}/master/slaves`);
    return s.slaves.length === agents.length ? s.slaves : undefined;
  });
  const ports = slaves.map((s) => s.resources.ports);
  for (const a of agents) {
    const own = await json<{ resources: { ports: string } }>(`${a.endpoints.mesos}/state`);
    assert.ok(ports.includes(own.resources.ports), 'the agent offers what the master lists');
  }
  return { dir, run, ports };
}

async function stop(c: Cluster): Promise<void> {
  c.run.child.kill('SIGTERM');
  assert.equal(await c.run.exited, 0, c.run.output());
}

function bounds(ports: string): [number, number] {
  const m = /^\[(\d+)-(\d+)\]$/.exec(ports);
  assert.ok(m, ports);
  return [Number(m[1]), Number(m[2])];
}

/** The one range every agent of a cluster offers. */
function rangeOf(c: Cluster): string {
  assert.equal(new Set(c.ports).size, 1, `one block for the whole cluster: ${c.ports.join(' ')}`);
  return c.ports[0]!;
}

let blockA = '';
let blockB = '';

test('two clusters started at the same time offer disjoint task port ranges, each kept in its data dir', async () => {
  const [a, b] = await Promise.all([startCluster('a'), startCluster('b')]);
  blockA = rangeOf(a);
  blockB = rangeOf(b);
  const [a0, a1] = bounds(blockA);
  const [b0, b1] = bounds(blockB);
  assert.ok(a1 < b0 || b1 < a0, `${blockA} and ${blockB} do not overlap`);
  assert.notEqual(blockA, '[31000-32000]', "not Mesos's default range, which every cluster would share");
  assert.equal(await readFile(join(a.dir, 'task-ports'), 'utf8'), `${blockA}\n`);
  assert.equal(await readFile(join(b.dir, 'task-ports'), 'utf8'), `${blockB}\n`);
  await Promise.all([stop(a), stop(b)]);
});

test("a restart keeps the cluster's block; a removed data dir's block is claimed by the next cluster", async () => {
  assert.ok(blockA && blockB, 'runs after the first test');
  await rm(join(root, 'a'), { recursive: true });
  const [b, c] = await Promise.all([startCluster('b'), startCluster('c')]);
  assert.equal(rangeOf(b), blockB, 'b restarted on its own block');
  assert.equal(rangeOf(c), blockA, "c got a's block, released with a's data dir");
  await Promise.all([stop(b), stop(c)]);
});

test('task_ports in the config overrides the block, and no block is claimed for it', async () => {
  const cfg = join(root, 'explicit.json');
  await writeFile(cfg, JSON.stringify({ task_ports: '[40000-40009, 40100-40109]' }));
  const claims = () => (existsSync(claimsDir) ? readdirSync(claimsDir).sort() : []);
  const claimsBefore = claims();
  const d = await startCluster('d', ['--config', cfg]);
  assert.deepEqual(d.ports, ['[40000-40009, 40100-40109]', '[40000-40009, 40100-40109]']);
  assert.equal(existsSync(join(d.dir, 'task-ports')), false);
  assert.deepEqual(claims(), claimsBefore);
  await stop(d);
});

test('a bad task_ports value is a one-line config error and a non-zero exit', async () => {
  const dir = join(root, 'bad');
  const cfg = join(root, 'bad.json');
  for (const [value, why] of [
    ['31000-32000', /^minidc: config: 'task_ports' must be Mesos port ranges such as "\[31000-32000\]": .+\n$/],
    ['[0-100]', /^minidc: config: 'task_ports' must be Mesos port ranges such as "\[31000-32000\]" within 1-65535\n$/],
    ['[60000-70000]', /within 1-65535\n$/],
    [31000, /^minidc: config: 'task_ports' must be Mesos port ranges such as "\[31000-32000\]"\n$/],
  ] as const) {
    await writeFile(cfg, JSON.stringify({ task_ports: value }));
    const r = minidc(['start', '--config', cfg, '--ports', 'ephemeral', '--data-dir', dir, '--no-sample']);
    assert.equal(r.status, 1, `${JSON.stringify(value)}: ${r.stderr}`);
    assert.match(r.stderr, why, JSON.stringify(value));
    assert.equal(r.stdout, '');
  }
  assert.equal(existsSync(join(dir, 'minidc.pid')), false, 'nothing was started');
});
