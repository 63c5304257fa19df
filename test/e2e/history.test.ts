/**
 * dcos-history on a running `minidc start`: the master's `history` endpoint serves the leader's state-summary as
 * DC/OS's integration test checked it (`cluster`, `frameworks`, `slaves`, `hostname`; one slave per agent), the unit
 * is healthy in /system/health/v1, and after a `kill -9` of minidc while it polls the file passes
 * `PRAGMA integrity_check` and a restart resumes polling, the missed polls `{}` in `/history/minute`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { endpointsOf, eventually, startMinidc, type EndpointsFile, type RunningMinidc } from '../support/minidc-cli.ts';

let dir: string;
let run: RunningMinidc | undefined;
let endpoints: EndpointsFile;
let history = '';

async function start(): Promise<void> {
  await rm(join(dir, 'data', 'endpoints.json'), { force: true });
  run = startMinidc(['--ports', 'ephemeral', '--data-dir', join(dir, 'data'), '--agents', '2', '--public-agents', '1', '--no-sample']);
  endpoints = await endpointsOf(run, join(dir, 'data'), 60_000, (f) => f.nodes[0]?.endpoints.history !== undefined);
  history = endpoints.nodes[0]!.endpoints.history!;
}

type Summary = { hostname?: string; cluster?: string; slaves?: unknown[]; frameworks?: unknown[] };

async function minute(): Promise<Summary[]> {
  const res = await fetch(`${history}/history/minute`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(res.status, 200);
  return (await res.json()) as Summary[];
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-e2e-history-'));
  await start();
});

after(async () => {
  if (run) {
    run.child.kill('SIGTERM');
    await run.exited;
  }
  await rm(dir, { recursive: true, force: true });
});

test('the history endpoint on the master serves the state-summary with one slave per agent; the unit is healthy', async () => {
  const master = endpoints.nodes[0]!;
  assert.equal(master.role, 'master');
  assert.ok(master.units.includes('dcos-history.service'), master.units.join(' '));
  assert.equal(new URL(history).hostname, master.ip);
  assert.ok(endpoints.nodes.slice(1).every((n) => n.endpoints.history === undefined && !n.units.includes('dcos-history.service')));
  const agents = endpoints.nodes.filter((n) => n.role !== 'master').length;
  const last = await eventually('every agent in /history/last', async () => {
    const res = await fetch(`${history}/history/last`, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as Summary;
    return body.slaves?.length === agents ? { res, body } : undefined;
  });
  assert.equal(last.res.headers.get('content-type'), 'application/json');
  assert.equal(last.res.headers.get('access-control-allow-origin'), '*');
  for (const key of ['cluster', 'frameworks', 'slaves', 'hostname']) assert.ok(key in last.body, key);
  const hour = (await (await fetch(`${history}/history/hour`)).json()) as Summary[];
  assert.ok(hour.length >= 1);

  const health = await fetch(`${master.endpoints.diagnostics}/system/health/v1`);
  const unit = ((await health.json()) as { units: { id: string; health: number }[] }).units.find((u) => u.id === 'dcos-history.service');
  assert.equal(unit?.health, 0);
});

test('kill -9 while polling: the file passes integrity_check, and a restart resumes with the missed polls as {}', async () => {
  // A few polls in, so the kill lands among writes (one every 2 s).
  await eventually('three polls recorded', async () => ((await minute()).filter((e) => e.slaves !== undefined).length >= 3 ? true : undefined));
  run!.child.kill('SIGKILL');
  await run!.exited;
  run = undefined;

  const file = join(dir, 'data', 'nodes', endpoints.nodes[0]!.ip, 'history', 'history.sqlite');
  const db = new Database(file);
  try {
    assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
  } finally {
    db.close();
  }

  // Down for three poll periods at least: an outage shorter than a period misses no poll, and a warm restart takes
  // under a second.
  await delay(6_000);
  await start();
  // `{}` for the time minidc was down, then polls again. (Not "polls, gap, polls": on a slow restart the polls from
  // before the kill have left the 60 s window by the time two new ones are in.)
  let seen = '';
  await eventually('polls after the restart', async () => {
    const entries = await minute();
    // p: a poll with slaves, g: a `{}` slot — what the window looked like, for the failure message.
    seen = entries.map((e) => (e.slaves === undefined ? 'g' : 'p')).join('');
    const gap = entries.findIndex((e) => e.slaves === undefined);
    return gap >= 0 && entries.slice(gap + 1).filter((e) => e.slaves !== undefined).length >= 2 ? entries : undefined;
  }, 90_000).catch(async (err: Error) => {
    const journal = await readFile(join(dir, 'data', 'nodes', endpoints.nodes[0]!.ip, 'journal', 'dcos-history.service.log'), 'utf8').catch(() => '');
    throw new Error(`${err.message}; last /history/minute: ${seen}; the unit's journal:\n${journal.split('\n').slice(-15).join('\n')}`);
  });
});
