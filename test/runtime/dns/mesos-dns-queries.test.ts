/** Mesos-DNS answering real clients (node's resolver, dig) over UDP and TCP. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taskIdHash } from '../../../runtime/dns/mesos-dns/zbase32.ts';
import { MutableStateSource, dig, mesosState, resolverFor, startMesosDns } from './dns-test-support.ts';

const agents = [
  { id: 'cluster-S1', ip: '127.0.2.1' },
  { id: 'cluster-S2', ip: '127.0.2.2' },
];
const v6Status = {
  state: 'TASK_RUNNING',
  timestamp: 1,
  container_status: { network_infos: [{ ip_addresses: [{ ip_address: 'fd01::7' }] }] },
};
const state = mesosState({
  agents,
  frameworks: [
    {
      id: 'fw-marathon',
      name: 'marathon',
      tasks: [
        { id: 'nginx.1', name: 'nginx', agent: 'cluster-S1', ports: '[31000-31001]' },
        { id: 'nginx.2', name: 'nginx', agent: 'cluster-S2', ports: '[31005-31005]' },
        { id: 'db.1', name: 'db', agent: 'cluster-S2', statuses: [v6Status] },
        // Many tasks under one name: answers beyond 512 bytes.
        ...Array.from({ length: 120 }, (_, i) => ({ id: `big.${i}`, name: 'big', agent: 'cluster-S1', statuses: [
          { state: 'TASK_RUNNING', timestamp: 1, container_status: { network_infos: [{ ip_addresses: [{ ip_address: `10.7.${i >> 8}.${i & 255}` }] }] } },
        ] })),
      ],
    },
  ],
});

async function withMesosDns(fn: (port: number) => Promise<void>, opts = {}) {
  const running = await startMesosDns(new MutableStateSource(state), { ipSources: ['netinfo', 'host'], ...opts });
  try {
    await fn(running.port);
  } finally {
    await running.dns.stop();
  }
}

test('A, AAAA and SRV through node’s resolver', () =>
  withMesosDns(async (port) => {
    const r = resolverFor(port);
    assert.deepEqual((await r.resolve4('nginx.marathon.mesos')).sort(), ['127.0.2.1', '127.0.2.2']);
    assert.deepEqual(await r.resolve4('leader.mesos'), ['127.0.1.1']);
    assert.deepEqual(await r.resolve6('db.marathon.mesos'), ['fd01::7']);
    assert.deepEqual(await r.resolve4('db.marathon.slave.mesos'), ['127.0.2.2']);
    const srv = (await r.resolveSrv('_nginx._tcp.marathon.mesos')).map((s) => `${s.port} ${s.name} ${s.priority} ${s.weight}`);
    assert.deepEqual(srv.sort(), [
      `31000 nginx-${taskIdHash('nginx.1')}-s1.marathon.slave.mesos 0 1`,
      `31001 nginx-${taskIdHash('nginx.1')}-s1.marathon.slave.mesos 0 1`,
      `31005 nginx-${taskIdHash('nginx.2')}-s2.marathon.slave.mesos 0 1`,
    ]);
  }));

test('SRV answers carry the targets’ addresses in ADDITIONAL', () =>
  withMesosDns(async (port) => {
    const res = await dig(port, '_leader._tcp.mesos', 'SRV');
    assert.equal(res.status, 'NOERROR');
    assert.deepEqual(res.answers.map((a) => a.slice(3)), [['SRV', '0', '1', '5050', 'leader.mesos.']]);
    assert.deepEqual(res.additional.map((a) => [a[0], a[3], a[4]]), [['leader.mesos.', 'A', '127.0.1.1']]);
  }));

test('NXDOMAIN only for names with no records; NODATA with the SOA otherwise (AAAA included)', () =>
  withMesosDns(async (port) => {
    const r = resolverFor(port);
    await assert.rejects(r.resolve4('nope.marathon.mesos'), { code: 'ENOTFOUND' });
    await assert.rejects(r.resolve6('leader.mesos'), { code: 'ENODATA' });

    const missing = await dig(port, 'nope.marathon.mesos', 'A');
    assert.equal(missing.status, 'NXDOMAIN');
    assert.deepEqual(missing.authority.map((a) => [a[0], a[3], a[4], a[5]]), [['nope.marathon.mesos.', 'SOA', 'ns1.mesos.', 'root.ns1.mesos.']]);
    const nodata = await dig(port, 'leader.mesos', 'AAAA');
    assert.equal(nodata.status, 'NOERROR');
    assert.equal(nodata.answers.length, 0);
    assert.equal(nodata.authority[0]?.[3], 'SOA');
    // Mesos-DNS answers SOA and NS queries in AUTHORITY, for any name in the domain; an empty SRV has no SOA.
    const soa = await dig(port, 'anything.mesos', 'SOA');
    assert.equal(soa.status, 'NOERROR');
    assert.deepEqual([soa.answers.length, soa.authority[0]?.[3], soa.authority[0]?.[1]], [0, 'SOA', '60']);
    assert.equal(soa.authority[0]?.[10], '60', 'SOA minimum is the TTL');
    const ns = await dig(port, 'mesos', 'NS');
    assert.deepEqual(ns.authority.map((a) => [a[3], a[4]]), [['NS', 'ns1.mesos.']]);
    const srv = await dig(port, '_nothing._tcp.marathon.mesos', 'SRV');
    assert.deepEqual([srv.status, srv.answers.length, srv.authority.length], ['NOERROR', 0, 0]);
    const txt = await dig(port, 'leader.mesos', 'TXT');
    assert.equal(txt.status, 'NOERROR', 'other types of an existing name are NODATA');
  }));

test('replies are authoritative, recursion available, TTL 60; lookups ignore case', () =>
  withMesosDns(async (port) => {
    const res = await dig(port, 'NGINX.Marathon.MESOS', 'A');
    assert.equal(res.status, 'NOERROR');
    assert.ok(res.flags.includes('aa') && res.flags.includes('ra'), res.flags.join(' '));
    assert.equal(res.answers.length, 2);
    for (const a of res.answers) assert.equal(a[1], '60');
    assert.deepEqual((await resolverFor(port).resolve4('nGiNx.mArAtHoN.mEsOs')).sort(), ['127.0.2.1', '127.0.2.2']);
  }));

test('answers are shuffled across queries', () =>
  withMesosDns(async (port) => {
    const orders = new Set<string>();
    for (let i = 0; i < 12; i++) orders.add((await dig(port, '+tcp', 'big.marathon.mesos', 'A')).answers.map((a) => a[4]).join(','));
    assert.ok(orders.size > 1, 'more than one answer order');
  }));

test('big answers: TC over UDP (512 bytes, or the EDNS0 size), everything over TCP', () =>
  withMesosDns(async (port) => {
    const plain = await dig(port, '+ignore', '+noedns', 'big.marathon.mesos', 'A');
    assert.ok(plain.flags.includes('tc'), `flags ${plain.flags.join(' ')}`);
    assert.ok(plain.answers.length > 0 && plain.answers.length < 120, `${plain.answers.length} answers in 512 bytes`);
    assert.ok(plain.answers.length >= 25, 'as many answers as fit');
    const edns = await dig(port, '+ignore', '+bufsize=1232', 'big.marathon.mesos', 'A');
    assert.ok(edns.flags.includes('tc'));
    assert.ok(edns.answers.length > plain.answers.length, 'the EDNS0 size lets more answers through');
    // dig's default retries over TCP after TC, and gets them all.
    const retried = await dig(port, 'big.marathon.mesos', 'A');
    assert.ok(!retried.flags.includes('tc'));
    assert.equal(retried.answers.length, 120);
    assert.equal(new Set(retried.answers.map((a) => a[4])).size, 120);
    // node's resolver (c-ares) does the same.
    assert.equal((await resolverFor(port).resolve4('big.marathon.mesos')).length, 120);
  }));

test('queries for other domains are REFUSED when forwarding is off', () =>
  withMesosDns(async (port) => {
    await assert.rejects(resolverFor(port).resolve4('example.com'), { code: 'EREFUSED' });
    assert.equal((await dig(port, 'example.com', 'A')).status, 'REFUSED');
  }));

test('EDNS0 queries get an OPT record back; unknown EDNS versions get BADVERS', () =>
  withMesosDns(async (port) => {
    const res = await dig(port, '+edns=0', 'leader.mesos', 'A');
    assert.match(res.raw, /; EDNS: version: 0/);
    const bad = await dig(port, '+edns=1', '+noednsnegotiation', 'leader.mesos', 'A');
    assert.equal(bad.status, 'BADVERS');
  }));
