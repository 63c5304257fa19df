// The data plane in worker processes: the same proxying, with the workers' counts folded into one view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import cluster from 'node:cluster';
import {
  NO_HANG,
  httpBackend,
  httpGet,
  namedVip,
  refusingPort,
  startL4lb,
  tcpBackend,
  tcpClient,
  waitFor,
} from './l4lb-fixtures.ts';

test('with two workers, HTTP spreads over the backends and the API sums both workers', NO_HANG, async (t) => {
  const backends = await Promise.all(['a', 'b', 'c'].map((id) => httpBackend(t, id)));
  const { lb, vipView } = await startL4lb(t, { workers: 2 });
  const vip = await namedVip(
    lb,
    8080,
    backends.map((b) => b.address),
  );
  assert.deepEqual(vipView(vip.key).listener, { state: 'listening', error: null });

  const seen = new Set<string>();
  for (let i = 0; i < 30; i++) seen.add((await httpGet(vip.ip, vip.port)).body);
  assert.deepEqual([...seen].sort(), ['a', 'b', 'c']);
  // Events reach the control process in batches: wait for all of them, then the totals are exact.
  await waitFor('all 30 connections counted', () => lb.metrics()['l4lb/connections_total'] === 30);
  const view = vipView(vip.key).backends;
  const total = Object.values(view).reduce((n, b) => n + b.total_successes, 0);
  assert.equal(total, 30);
  await waitFor('all closed', () => lb.metrics()['l4lb/active_connections'] === 0);
});

test('with workers, a dead backend is retried elsewhere and marked down for every worker', NO_HANG, async (t) => {
  const alive = await httpBackend(t, 'alive');
  const deadPort = await refusingPort();
  const { lb, vipView } = await startL4lb(t, { workers: 2 });
  const vip = await namedVip(lb, 8080, [alive.address, { ip: '127.0.0.1', port: deadPort }]);
  const dead = () => vipView(vip.key).backends[`127.0.0.1:${deadPort}`]!;
  for (let i = 0; i < 200 && dead().state === 'up'; i++) assert.equal((await httpGet(vip.ip, vip.port)).body, 'alive');
  assert.equal(dead().state, 'down');
  // The down flag travels to the workers as an IPC message; let it arrive, and attempts already under way finish.
  await new Promise((r) => setTimeout(r, 200));
  const failures = dead().total_failures;
  // The down flag went to both workers: no more attempts on it, from either.
  for (let i = 0; i < 30; i++) assert.equal((await httpGet(vip.ip, vip.port)).body, 'alive');
  await waitFor('counts settled', () => lb.metrics()['l4lb/active_connections'] === 0);
  assert.equal(dead().total_failures, failures);
});

test('a dead worker is replaced, its connections counted closed, and the VIP keeps working', NO_HANG, async (t) => {
  const x = await tcpBackend(t);
  const exits: number[] = [];
  const { lb, vipView } = await startL4lb(t, { workers: 1, onWorkerExit: (worker) => exits.push(worker) });
  const vip = await namedVip(lb, 9010, [x.address]);
  const client = await tcpClient(vip.ip, vip.port);
  assert.equal(await client.roundTrip('hi'), 'hi');
  const open = () => vipView(vip.key).backends[`127.0.0.1:${x.port}`]!.active_connections;
  await waitFor('the connection counted', () => open() === 1);

  const workers = Object.values(cluster.workers ?? {});
  assert.equal(workers.length, 1);
  workers[0]!.process.kill('SIGKILL');
  await waitFor('the worker exit noticed', () => exits.length === 1);
  assert.equal(open(), 0);
  const again = await waitFor('a new worker serving the VIP', async () => {
    try {
      return await tcpClient(vip.ip, vip.port);
    } catch {
      return undefined;
    }
  });
  assert.equal(await again.roundTrip('back'), 'back');
  await again.close();
  assert.deepEqual(exits, [1]);
});
