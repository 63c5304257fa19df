// dcos-minuteman.service as a unit: fed by polling a /master/state endpoint, restartable, names kept across runs.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { L4lbUnit } from '../../../runtime/l4lb/l4lb-unit.ts';
import { L4LB_UNIT } from '../../../runtime/l4lb/l4lb.ts';
import { minutemanConfigPath, readMinutemanWorkers } from '../../../runtime/l4lb/minuteman-node-config.ts';
import { UnitJournal } from '../../../runtime/units/unit-journal.ts';
import { Unit } from '../../../runtime/units/unit.ts';
import { NO_HANG, httpBackend, httpGet, uniqueVipName, vipFqdn, waitFor } from './l4lb-fixtures.ts';

/** A master whose /master/state the test rewrites: one running task per given host port, all on 127.0.0.1. */
async function fakeMaster(t: TestContext, vipLabel: string) {
  let ports: number[] = [];
  let failing = false;
  const server = http.createServer((req, res) => {
    if (failing || req.url !== '/master/state') return void res.writeHead(503).end();
    const tasks = ports.map((port, i) => ({
      id: `web.${i}`,
      slave_id: 'agent-1',
      state: 'TASK_RUNNING',
      resources: { ports: `[${port}-${port}]` },
      statuses: [{ state: 'TASK_RUNNING', timestamp: 1 }],
      discovery: { ports: { ports: [{ protocol: 'tcp', labels: { labels: [{ key: 'VIP_0', value: vipLabel }] } }] } },
    }));
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        slaves: [{ id: 'agent-1', pid: 'slave(1)@127.0.0.1:5051' }],
        frameworks: [{ id: 'fw', name: 'marathon', tasks }],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/master/state`,
    setPorts: (p: number[]) => (ports = p),
    setFailing: (f: boolean) => (failing = f),
  };
}

test('the unit follows /master/state, survives a master outage and keeps names across restarts', NO_HANG, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'minidc-l4lb-unit-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const [a, b] = await Promise.all([httpBackend(t, 'a'), httpBackend(t, 'b')]);
  const name = uniqueVipName();
  const master = await fakeMaster(t, `${name}:8080`);
  master.setPorts([a.port]);

  const behavior = new L4lbUnit({
    api: { host: '127.0.0.1', port: 0 },
    masterStateUrl: master.url,
    pollIntervalMs: 20,
  });
  const journal = new UnitJournal({ dataDir, unit: L4LB_UNIT });
  const unit = new Unit({ name: L4LB_UNIT, description: 'Minuteman: Layer 4 Load Balancer', behavior, journal });
  t.after(async () => {
    await unit.stop();
    journal.close();
  });
  await unit.start();
  assert.equal(unit.activeState, 'active');

  const fqdn = vipFqdn(name);
  const ip = await waitFor('the VIP from the first poll', () => behavior.resolve(fqdn)?.[0]);
  assert.equal((await httpGet(ip, 8080)).body, 'a');

  // The task moves: the next poll swaps the backend.
  master.setPorts([b.port]);
  await waitFor('the new backend', async () => (await httpGet(ip, 8080)).body === 'b');

  // The master goes away: the last table stays, and the journal says so once.
  master.setFailing(true);
  await waitFor('the outage logged', async () =>
    (await journal.read()).some((e) => e.message.includes('keeping the last VIP table')),
  );
  assert.equal((await httpGet(ip, 8080)).body, 'b');
  master.setFailing(false);

  await unit.stop();
  assert.equal(behavior.resolve(fqdn), undefined, 'no names while stopped');
  await assert.rejects(httpGet(ip, 8080), /ECONNREFUSED/);
  await unit.start();
  assert.equal(await waitFor('the name again', () => behavior.resolve(fqdn)?.[0]), ip, 'same address after restart');
  assert.equal((await httpGet(ip, 8080)).body, 'b');
  const messages = (await journal.read()).map((e) => e.message);
  assert.equal(messages.filter((m) => m.startsWith('Minuteman API on http://127.0.0.1:')).length, 2);
  assert.equal(messages.filter((m) => m.includes('keeping the last VIP table')).length, 1);
});

test("the node's etc/minuteman.json is read at each start: a bad workers value fails the start naming file and key", NO_HANG, async (t) => {
  const nodeDir = mkdtempSync(join(tmpdir(), 'minidc-l4lb-config-'));
  t.after(() => rmSync(nodeDir, { recursive: true, force: true }));
  const behavior = new L4lbUnit({ api: { host: '127.0.0.1', port: 0 }, readWorkers: () => readMinutemanWorkers(nodeDir) });
  const journal = new UnitJournal({ dataDir: nodeDir, unit: L4LB_UNIT });
  const unit = new Unit({ name: L4LB_UNIT, description: 'Minuteman: Layer 4 Load Balancer', behavior, journal });
  t.after(async () => {
    await unit.stop();
    journal.close();
  });
  await unit.start();
  assert.equal(unit.activeState, 'active', 'no config file: the cluster default');

  const path = minutemanConfigPath(nodeDir);
  mkdirSync(join(nodeDir, 'etc'), { recursive: true });
  writeFileSync(path, JSON.stringify({ workers: 99 }));
  const why = `invalid config ${path}: 'workers' must be a whole number from 0 to 8, got 99`;
  await assert.rejects(unit.restart(), (err: Error) => err.message.includes(why));
  assert.equal(unit.activeState, 'failed');
  const messages = (await journal.read()).map((e) => e.message);
  assert.ok(messages.includes(`${L4LB_UNIT} failed with exit status 1: ${why}`), JSON.stringify(messages));

  writeFileSync(path, JSON.stringify({ workers: 0 }));
  await unit.restart();
  assert.equal(unit.activeState, 'active');
});
