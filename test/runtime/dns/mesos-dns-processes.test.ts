/**
 * Mesos-DNS served by several processes sharing one socket: every process answers from the records of the last
 * refresh(), counters add up across them, a serving process that dies fails Mesos-DNS (onFatal), stop() ends them,
 * and they never outlive their parent, even one killed with SIGKILL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MutableStateSource, dig, mesosState, resolverFor, startMesosDns } from './dns-test-support.ts';

const agents = [
  { id: 'c-S1', ip: '127.0.2.1' },
  { id: 'c-S2', ip: '127.0.2.2' },
];
const withTask = (agent: string) =>
  mesosState({ agents, frameworks: [{ id: 'fw', name: 'marathon', tasks: [{ id: 'web.1', name: 'web', agent }] }] });

/** Children of `parent` running the serving-process entry, from /proc. */
function servingPids(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('serving-process.ts')) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits (up to `ms`) for every pid to be gone; returns those still there. */
async function gone(pids: number[], ms: number): Promise<number[]> {
  const until = Date.now() + ms;
  while (pids.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  return pids.filter(alive);
}

test('two serving processes answer, none of it from this process, and both serve each refresh at once', async (t) => {
  const source = new MutableStateSource(withTask('c-S1'));
  const running = await startMesosDns(source, { servingProcesses: 2 });
  t.after(() => running.dns.stop());
  assert.equal(servingPids(process.pid).length, 2);
  // Queries from many source ports: the kernel hands them to both processes.
  const ask = async () => Promise.all(Array.from({ length: 40 }, () => resolverFor(running.port).resolve4('web.marathon.mesos')));
  for (const answer of await ask()) assert.deepEqual(answer, ['127.0.2.1']);
  source.state = withTask('c-S2');
  await running.dns.refresh();
  for (const answer of await ask()) assert.deepEqual(answer, ['127.0.2.2'], 'every process serves the new records once refresh() resolves');
  assert.equal((await dig(running.port, '+tcp', 'web.marathon.mesos', 'A')).answers[0]?.[4], '127.0.2.2', 'over TCP too');
  const stats = await running.dns.currentStats();
  assert.ok(stats.preparedAnswers >= 1, 'counters come back from the processes');
  assert.ok(stats.servingLoopActiveMs > 0);
});

test('a serving process that dies fails Mesos-DNS; stop() ends the other one', async () => {
  const fatal: string[] = [];
  const running = await startMesosDns(new MutableStateSource(withTask('c-S1')), { servingProcesses: 2, onFatal: (r) => fatal.push(r) });
  const pids = servingPids(process.pid);
  assert.equal(pids.length, 2);
  process.kill(pids[0]!, 'SIGKILL');
  assert.deepEqual(await gone([pids[0]!], 5000), []);
  const until = Date.now() + 5000;
  while (fatal.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  assert.equal(fatal.length, 1, 'reported once');
  assert.match(fatal[0]!, /SIGKILL/);
  await running.dns.stop();
  assert.deepEqual(await gone(pids, 5000), [], 'stop() ends the survivor');
  assert.equal(fatal.length, 1, 'a stop is not a crash');
});

test('serving processes do not outlive a parent killed with SIGKILL', async (t) => {
  const fixture = fileURLToPath(new URL('./fixtures/mesos-dns-parent.ts', import.meta.url));
  const parent = spawn(process.execPath, ['--import', 'tsx', fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => parent.kill('SIGKILL'));
  const [line] = await Promise.race([
    (async () => {
      for await (const l of createInterface({ input: parent.stdout })) return [l];
      return [undefined];
    })(),
    new Promise<[undefined]>((resolve) => setTimeout(() => resolve([undefined]), 30_000).unref()),
  ]);
  assert.ok(line !== undefined, 'the fixture started');
  const { pid, port } = JSON.parse(line) as { pid: number; port: number };
  const pids = servingPids(pid);
  assert.equal(pids.length, 2);
  assert.equal((await dig(port, 'leader.mesos', 'A')).status, 'NOERROR');
  process.kill(pid, 'SIGKILL');
  assert.deepEqual(await gone(pids, 5000), [], 'the serving processes exited with their parent');
});
