/**
 * A minidc killed in the middle of an atomic write leaves `.<name>.<hex>.tmp` beside the state file. The next
 * `minidc start` removes such leftovers (saying so) before anything reads the data dir, and the cluster comes up
 * healthy on the state files themselves. Files in task sandboxes are the tasks' own and are left alone.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAtomicTempFile } from '../../runtime/storage/atomic-file.ts';
import { endpointsOf, eventually, startMinidc, type RunningMinidc } from '../support/minidc-cli.ts';

interface Endpoints {
  cluster: { id: string };
  nodes: { id: string; endpoints: Record<string, string> }[];
}

const runs: RunningMinidc[] = [];
const dirs: string[] = [];

after(async () => {
  for (const r of runs) r.child.kill('SIGKILL');
  await Promise.all(runs.map((r) => r.exited));
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function start(dir: string): Promise<{ run: RunningMinidc; endpoints: Endpoints }> {
  await rm(join(dir, 'endpoints.json'), { force: true });
  const run = startMinidc(['--ports', 'ephemeral', '--data-dir', dir, '--no-sample', '--agents', '1', '--public-agents', '0']);
  runs.push(run);
  const endpoints = await endpointsOf(run, dir);
  return { run, endpoints };
}

async function stop(run: RunningMinidc): Promise<void> {
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0, run.output());
}

async function json<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return (await res.json()) as T;
}

/** A temp file as writeFileAtomic names it beside `statePath`, holding a torn write. */
async function plantTemp(statePath: string, hex: string): Promise<string> {
  const dir = join(statePath, '..');
  const name = `.${statePath.slice(dir.length + 1)}.${hex}.tmp`;
  assert.ok(isAtomicTempFile(name), name);
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, '{"agents": [{"id": "torn');
  return path;
}

test('stale temp files beside state files are gone after minidc start, sandbox files kept, cluster healthy', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'minidc-temp-files-'));
  dirs.push(dir);
  const first = await start(dir);
  const agentIds = await eventually('the agent registered', async () => {
    const s = await json<{ slaves: { id: string }[] }>(`${first.endpoints.nodes[0]!.endpoints.mesos}/master/state`);
    return s.slaves.length === 1 ? s.slaves.map((a) => a.id) : undefined;
  });
  await stop(first.run);

  const master = join(dir, 'nodes', '127.0.1.1');
  const registry = join(master, 'mesos-master', 'registry.json');
  const marathonState = join(master, 'marathon', 'state.json');
  assert.ok(existsSync(marathonState), 'Marathon keeps its store in the data dir');
  const stale = [
    await plantTemp(registry, '0a1b2c3d4e5f'),
    await plantTemp(marathonState, 'ffee00112233'),
    await plantTemp(join(dir, 'endpoints.json'), '123456abcdef'),
  ];
  // Shaped like a leftover, but inside a task sandbox: the task's own file.
  const sandboxFile = join(dir, 'nodes', '127.0.2.1', 'mesos-agent', 'slaves', 'S0', 'frameworks', 'f', 'executors', 'e', 'runs', 'c', '.out.json.0123456789ab.tmp');
  await mkdir(join(sandboxFile, '..'), { recursive: true });
  await writeFile(sandboxFile, 'task data');

  const second = await start(dir);
  for (const path of stale) {
    assert.equal(existsSync(path), false, `${path} is removed`);
    assert.ok(second.run.output().includes(`minidc: removed ${path}, left by an interrupted write`), second.run.output());
  }
  assert.equal(await readFile(sandboxFile, 'utf8'), 'task data');
  assert.ok(!second.run.output().includes(sandboxFile), 'the sandbox file is not mentioned');

  assert.equal(second.endpoints.cluster.id, first.endpoints.cluster.id, 'the same cluster, from its state files');
  const { mesos, marathon } = second.endpoints.nodes[0]!.endpoints;
  const state = await eventually('the agent re-registered', async () => {
    const s = await json<{ slaves: { id: string; active: boolean }[] }>(`${mesos}/master/state`);
    return s.slaves.length === 1 && s.slaves[0]!.active ? s : undefined;
  });
  assert.deepEqual(state.slaves.map((s) => s.id), agentIds, 'the agent came back with its id');
  const info = await json<{ name: string; elected: boolean }>(`${marathon}/v2/info`);
  assert.equal(info.elected, true);
  const registered = JSON.parse(await readFile(registry, 'utf8')) as { agents: { id: string }[] };
  assert.deepEqual(registered.agents.map((a) => a.id), agentIds, 'the registry is whole and names the agent');
  await stop(second.run);
});
