// The Minuteman API over HTTP (fetch), and the name interface the DNS forwarder uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { L4LB_METRICS } from '../../../runtime/l4lb/l4lb-metrics.ts';
import { NO_HANG, httpBackend, httpGet, namedVip, startL4lb, vipFqdn } from './l4lb-fixtures.ts';

async function getJson(url: string): Promise<{ status: number; type: string; body: unknown }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.json() };
}

test('GET /vips lists every VIP with its name, listener and per-backend counts', NO_HANG, async (t) => {
  const [a, b] = await Promise.all([httpBackend(t, 'a'), httpBackend(t, 'b')]);
  const { lb, api } = await startL4lb(t);
  const vip = await namedVip(lb, 8080, [a.address, b.address]);
  for (let i = 0; i < 4; i++) assert.equal((await httpGet(vip.ip, vip.port)).status, 200);

  const { status, type, body } = await getJson(`${api}/vips`);
  assert.equal(status, 200);
  assert.match(type, /application\/json/);
  const vips = (body as { vips: Record<string, Record<string, unknown>> }).vips;
  assert.deepEqual(Object.keys(vips), [vip.key]);
  const entry = vips[vip.key] as {
    name: string;
    state: string;
    listener: unknown;
    backends: Record<string, { total_successes: number }>;
  };
  assert.equal(entry.name, vipFqdn(vip.name));
  assert.equal(entry.state, 'active');
  assert.deepEqual(entry.listener, { state: 'listening', error: null });
  assert.deepEqual(Object.keys(entry.backends).sort(), [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`].sort());
  for (const backend of Object.values(entry.backends)) {
    assert.deepEqual(Object.keys(backend).sort(), [
      'active_connections',
      'consecutive_failures',
      'is_healthy',
      'state',
      'total_failures',
      'total_successes',
    ]);
  }
  const successes = Object.values(entry.backends).reduce((n, x) => n + x.total_successes, 0);
  assert.equal(successes, 4);
});

test('GET /vip/<ip:port> gives one VIP; unknown is 404 and malformed is 400, both JSON', NO_HANG, async (t) => {
  const a = await httpBackend(t, 'a');
  const { lb, api } = await startL4lb(t);
  const vip = await namedVip(lb, 8080, [a.address]);
  await lb.setBackends('127.14.0.1:7000', [a.address]);

  const one = await getJson(`${api}/vip/${vip.key}`);
  assert.equal(one.status, 200);
  assert.deepEqual(one.body, {
    name: vipFqdn(vip.name),
    state: 'active',
    listener: { state: 'listening', error: null },
    backends: {
      [`127.0.0.1:${a.port}`]: {
        state: 'up',
        is_healthy: true,
        active_connections: 0,
        total_successes: 0,
        total_failures: 0,
        consecutive_failures: 0,
      },
    },
  });
  assert.equal(((await getJson(`${api}/vip/127.14.0.1:7000`)).body as { name: unknown }).name, null);

  const missing = await getJson(`${api}/vip/127.11.0.1:1`);
  assert.equal(missing.status, 404);
  assert.match(missing.type, /application\/json/);
  assert.deepEqual(missing.body, { error: 'unknown_vip', message: 'no VIP 127.11.0.1:1' });

  for (const bad of ['nope', '127.0.0.1', '127.0.0.1:99999', '127.0.0.1:0', '300.0.0.1:80', 'fd01::1:80', '[zz]:80']) {
    const r = await getJson(`${api}/vip/${encodeURIComponent(bad)}`);
    assert.equal(r.status, 400, bad);
    assert.equal((r.body as { error: string }).error, 'invalid_vip', bad);
  }
});

test('GET /metrics gives the counters as numbers', NO_HANG, async (t) => {
  const a = await httpBackend(t, 'a');
  const { lb, api } = await startL4lb(t);
  const vip = await namedVip(lb, 8080, [a.address]);
  await httpGet(vip.ip, vip.port);
  const { status, body } = await getJson(`${api}/metrics`);
  assert.equal(status, 200);
  assert.deepEqual(body, {
    'l4lb/vips': 1,
    'l4lb/vips_not_listening': 0,
    'l4lb/backends': 1,
    'l4lb/backends_down': 0,
    'l4lb/active_connections': 0,
    'l4lb/connections_total': 1,
    'l4lb/connect_failures_total': 0,
    'l4lb/named_vip_addresses': 1,
    'l4lb/named_vip_allocation_failures': 0,
  });
});

test('GET /metrics/snapshot is a flat, sorted snapshot of the declared l4lb/* keys, as Mesos serves its own', NO_HANG, async (t) => {
  const a = await httpBackend(t, 'a');
  const { lb, api } = await startL4lb(t);
  const vip = await namedVip(lb, 8080, [a.address]);
  await httpGet(vip.ip, vip.port);
  const res = await fetch(`${api}/metrics/snapshot`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as Record<string, number>;
  assert.deepEqual(Object.keys(body), [...L4LB_METRICS.fixed].sort());
  assert.equal(body['l4lb/connections_total'], 1);
  assert.deepEqual(body, (await getJson(`${api}/metrics`)).body);
  const jsonp = await (await fetch(`${api}/metrics/snapshot?jsonp=cb`)).text();
  assert.ok(jsonp.startsWith('cb({"l4lb/active_connections":0,'));
});

test('named VIPs resolve for DNS while they have backends, and keep their address', NO_HANG, async (t) => {
  const a = await httpBackend(t, 'a');
  const { lb } = await startL4lb(t);
  let changes = 0;
  lb.onNamesChange(() => changes++);
  const vip = await namedVip(lb, 8080, [a.address]);
  const fqdn = vipFqdn(vip.name);
  assert.deepEqual(lb.resolveName(fqdn), [vip.ip]);
  assert.deepEqual(lb.resolveName(`${fqdn.toUpperCase()}.`), [vip.ip]);
  assert.deepEqual(lb.resolveName(fqdn.replace('.l4lb.', '.dclb.')), [vip.ip]);
  assert.equal(lb.resolveName(`x${fqdn}`), undefined);
  // A second port of the same name shares the address (one name, one A record).
  await lb.setBackends(`${vip.name}:8081`, [a.address]);
  assert.deepEqual([...lb.names()], [[fqdn, [vip.ip]]]);
  assert.equal(changes, 1);

  await lb.update([]);
  assert.equal(lb.resolveName(fqdn), undefined);
  assert.deepEqual([...lb.names()], []);
  assert.equal(changes, 2);
  await lb.setBackends(`${vip.name}:8080`, [a.address]);
  assert.deepEqual(lb.resolveName(fqdn), [vip.ip], 'the same address after coming back');
  assert.equal((await httpGet(vip.ip, 8080)).body, 'a');
});

test('update() diffs a whole table: new VIPs open, removed ones close, unchanged ones stay', NO_HANG, async (t) => {
  const [a, b] = await Promise.all([httpBackend(t, 'a'), httpBackend(t, 'b')]);
  const { lb } = await startL4lb(t);
  const one = { kind: 'ip' as const, ip: '127.14.1.1', port: 7001 };
  const two = { kind: 'ip' as const, ip: '127.14.1.2', port: 7002 };
  // Entries for the same VIP merge, duplicate backends collapse, VIPs without backends are dropped.
  await lb.update([
    { target: one, backends: [a.address] },
    { target: one, backends: [a.address, b.address] },
    { target: two, backends: [] },
  ]);
  assert.deepEqual(Object.keys(lb.vips().vips), ['127.14.1.1:7001']);
  assert.equal(Object.keys(lb.vip('127.14.1.1:7001')!.backends).length, 2);

  await lb.update([
    { target: one, backends: [b.address] },
    { target: two, backends: [a.address] },
  ]);
  assert.deepEqual(Object.keys(lb.vips().vips).sort(), ['127.14.1.1:7001', '127.14.1.2:7002']);
  assert.equal((await httpGet('127.14.1.1', 7001)).body, 'b');
  assert.equal((await httpGet('127.14.1.2', 7002)).body, 'a');
  await assert.rejects(lb.setBackends('not a vip', [a.address]), /invalid VIP/);
});
