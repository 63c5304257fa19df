/**
 * Issue 11's timers as an operator meets them on `minidc start`: every node lists its timers in
 * `GET /system/health/v1/timers` (the DC/OS unit names of its role), each timer runs its service on schedule, and
 * the master's cluster report has every timer and timer-triggered service healthy on every node. The schedules
 * are per-second here so the test need not wait minutes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpointsOf, eventually, startMinidc, type EndpointsFile, type RunningMinidc } from '../support/minidc-cli.ts';

const EVERY_2S = '*/2 * * * * *';
const EXPECTED: Record<string, string[]> = {
  master: ['dcos-adminrouter-reload.timer', 'dcos-gen-resolvconf.timer', 'dcos-logrotate-master.timer', 'dcos-signal.timer', 'dcos-spartan-watchdog.timer'],
  agent: ['dcos-gen-resolvconf.timer', 'dcos-logrotate-agent.timer', 'dcos-spartan-watchdog.timer'],
  agent_public: ['dcos-gen-resolvconf.timer', 'dcos-logrotate-agent.timer', 'dcos-spartan-watchdog.timer'],
};

interface NodeTimer {
  unit: string;
  activates: string;
  next: string | null;
  last: string | null;
  last_result: string;
}

let dir: string;
let run: RunningMinidc | undefined;
let endpoints: EndpointsFile;

const getJson = async <T>(url: string): Promise<T> => {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  assert.equal(res.status, 200, url);
  return (await res.json()) as T;
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-e2e-timers-'));
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      logrotate_schedule: EVERY_2S,
      dns_watchdog_schedule: EVERY_2S,
      dns_watchdog_delay: '0secs',
      gen_resolvconf_schedule: EVERY_2S,
      signal_schedule: EVERY_2S,
      adminrouter_reload_schedule: EVERY_2S,
    }),
  );
  run = startMinidc(['--config', join(dir, 'config.json'), '--ports', 'ephemeral', '--data-dir', join(dir, 'data'), '--no-sample']);
  endpoints = await endpointsOf(run, join(dir, 'data'), 60_000, (f) => f.nodes.every((n) => n.endpoints.diagnostics !== undefined));
});

after(async () => {
  if (run && run.child.exitCode === null) {
    run.child.kill('SIGTERM');
    await run.exited;
  }
  await rm(dir, { recursive: true, force: true });
});

test('every node lists its role\'s timers; each has run its service successfully and is scheduled again', async () => {
  for (const node of endpoints.nodes) {
    const timers = await eventually(`every timer on ${node.ip} run once`, async () => {
      const { timers } = await getJson<{ timers: NodeTimer[] }>(`${node.endpoints.diagnostics}/system/health/v1/timers`);
      return timers.length > 0 && timers.every((t) => t.last_result === 'succeeded' && t.last !== null) ? timers : undefined;
    }, 60_000);
    assert.deepEqual(timers.map((t) => t.unit), EXPECTED[node.role], `${node.ip} (${node.role})`);
    for (const t of timers) {
      assert.equal(t.activates, t.unit.replace(/\.timer$/, '.service'));
      assert.ok(t.next !== null && Date.parse(t.next) > Date.parse(t.last!), `${t.unit}: next ${t.next} after last ${t.last}`);
    }
  }
});

test('the cluster report has every timer and its service healthy on every node', async () => {
  const diagnostics = endpoints.nodes[0]!.endpoints.diagnostics!;
  const units = await eventually('a report with the timers', async () => {
    const res = await fetch(`${diagnostics}/system/health/v1/units?cache=0`, { signal: AbortSignal.timeout(70_000) });
    const body = (await res.json()) as { units: { id: string; health: number }[] | null };
    return body.units?.some((u) => u.id.endsWith('.timer')) ? body.units : undefined;
  }, 90_000);
  const names = [...new Set(Object.values(EXPECTED).flat())].flatMap((t) => [t, t.replace(/\.timer$/, '.service')]);
  for (const name of names) assert.equal(units.find((u) => u.id === name)?.health, 0, `${name}: ${JSON.stringify(units.find((u) => u.id === name))}`);
});
