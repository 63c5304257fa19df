/** The per-node forwarder (spartan / dcos-dns) with real clients. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DnsForwarder } from '../../../runtime/dns/forwarder/dns-forwarder.ts';
import type { DnsForwarderOptions } from '../../../runtime/dns/forwarder/dns-forwarder.ts';
import { MapVipNameSource } from '../../../runtime/dns/forwarder/vip-name-source.ts';
import { MutableStateSource, dig, fakeUpstream, mesosState, resolverFor, silentUpstream, startMesosDns } from './dns-test-support.ts';

async function startForwarder(opts: Partial<DnsForwarderOptions>) {
  const forwarder = new DnsForwarder({ listen: { host: '127.0.0.1', port: 0 }, mesosResolvers: [], upstreamResolvers: [], ...opts });
  const { port } = await forwarder.start();
  return { forwarder, port };
}

test('*.mesos goes to the masters’ Mesos-DNS', async (t) => {
  const mesos = await startMesosDns(
    new MutableStateSource(
      mesosState({ agents: [{ id: 'c-S1', ip: '127.0.2.1' }], frameworks: [{ id: 'f', name: 'marathon', tasks: [{ id: 'w.1', name: 'web', agent: 'c-S1' }] }] }),
    ),
  );
  const other = await fakeUpstream(() => ({ answers: [{ type: 'A', name: 'web.marathon.mesos', data: '6.6.6.6' }] }));
  const { forwarder, port } = await startForwarder({ mesosResolvers: [`127.0.0.1:${mesos.port}`], upstreamResolvers: [`127.0.0.1:${other.port}`] });
  t.after(async () => {
    await forwarder.stop();
    await mesos.dns.stop();
    await other.close();
  });
  const r = resolverFor(port);
  assert.deepEqual(await r.resolve4('web.marathon.mesos'), ['127.0.2.1']);
  await assert.rejects(r.resolve4('nothing.marathon.mesos'), { code: 'ENOTFOUND' }, 'Mesos-DNS’s NXDOMAIN relayed');
  assert.deepEqual((await dig(port, '+tcp', 'leader.mesos', 'A')).answers.map((a) => a[4]), ['127.0.1.1'], 'over TCP too');
  assert.deepEqual(other.questions, [], 'the default upstreams never see .mesos');
  const metrics = forwarder.metricsSnapshot();
  assert.equal(metrics['dns/requests/mesos/NOERROR'], 2);
  assert.equal(metrics['dns/requests/mesos/NXDOMAIN'], 1);
});

test('ready.spartan, localhost and the zk names are answered by the forwarder itself', async (t) => {
  const dead = await silentUpstream();
  const { forwarder, port } = await startForwarder({
    upstreamResolvers: [`127.0.0.1:${dead.port}`],
    masterIps: ['127.0.1.1', '127.0.1.2'],
    nodeIp: '127.0.3.1',
    upstreamTimeoutMs: 200,
  });
  t.after(async () => {
    await forwarder.stop();
    await dead.close();
  });
  const r = resolverFor(port);
  assert.deepEqual(await r.resolve4('ready.spartan'), ['127.0.0.1'], 'even with every upstream down');
  const any = await dig(port, 'ready.spartan', 'ANY');
  assert.deepEqual(any.answers.map((a) => [a[1], a[3], a[4]]), [['5', 'A', '127.0.0.1']], 'the watchdog’s ANY query, TTL 5');
  assert.ok(any.flags.includes('aa'));
  assert.deepEqual(await r.resolve4('localhost'), ['127.0.0.1']);
  const zk = await Promise.all([1, 2, 3, 4, 5].map(async (i) => (await r.resolve4(`zk-${i}.zk`))[0]));
  assert.deepEqual(zk, ['127.0.1.1', '127.0.1.2', '127.0.1.1', '127.0.1.2', '127.0.1.1']);
  assert.deepEqual(await r.resolve4('thisnode.thisdcos.directory'), ['127.0.3.1']);
  const missing = await dig(port, 'nope.spartan', 'A');
  assert.equal(missing.status, 'NXDOMAIN');
  assert.deepEqual(missing.authority.map((a) => [a[0], a[3], a[4], a[5]]), [['spartan.', 'SOA', 'ns.spartan.', 'support.mesosphere.com.']]);
  assert.equal((await dig(port, 'x.dcos.thisdcos.directory', 'A')).status, 'REFUSED', 'a zone this node does not hold');
  assert.equal(forwarder.metricsSnapshot()['dns/requests/spartan/NOERROR'], 2);
});

test('VIP names: A records from the VIP source, under every alias dcos-dns accepts', async (t) => {
  const vips = new MapVipNameSource([
    ['myapp.marathon.l4lb.thisdcos.directory', ['11.0.0.7']],
    ['dual.marathon.l4lb.thisdcos.directory', ['11.0.0.8', 'fd01:c::8']],
  ]);
  const { forwarder, port } = await startForwarder({ vips, clusterId: 'abcde' });
  t.after(() => forwarder.stop());
  const r = resolverFor(port);
  for (const name of [
    'myapp.marathon.l4lb.thisdcos.directory',
    'MyApp.Marathon.L4LB.thisdcos.directory',
    'myapp.marathon.dclb.thisdcos.directory',
    'myapp.marathon.dclb.thisdcos.global',
    'myapp.marathon.l4lb.thisdcos.global',
    'myapp.marathon.l4lb.abcde.dcos.directory',
  ]) {
    assert.deepEqual(await r.resolve4(name), ['11.0.0.7'], name);
  }
  const answer = await dig(port, 'myapp.marathon.dclb.thisdcos.directory', 'A');
  assert.equal(answer.answers[0]?.[0], 'myapp.marathon.dclb.thisdcos.directory.', 'answered under the name asked');
  assert.equal(answer.answers[0]?.[1], '5');
  assert.deepEqual(await r.resolve6('dual.marathon.l4lb.thisdcos.directory'), ['fd01:c::8']);
  await assert.rejects(r.resolve4('gone.marathon.l4lb.thisdcos.directory'), { code: 'ENOTFOUND' });
  vips.set('gone.marathon.l4lb.thisdcos.directory', ['11.0.0.9']);
  assert.deepEqual(await r.resolve4('gone.marathon.l4lb.thisdcos.directory'), ['11.0.0.9'], 'looked up at query time');
  assert.equal(forwarder.metricsSnapshot()['dns/records/l4lb.thisdcos.directory'], 4);
});

test('upstreams are raced: the fast one answers while the slow one is still thinking', async (t) => {
  const slow = await fakeUpstream(() => ({ answers: [{ type: 'A', name: 'example.com', data: '2.2.2.2' }], delayMs: 3000 }));
  const fast = await fakeUpstream(() => ({ answers: [{ type: 'A', name: 'example.com', data: '1.1.1.1' }] }));
  const { forwarder, port } = await startForwarder({ upstreamResolvers: [`127.0.0.1:${slow.port}`, `127.0.0.1:${fast.port}`] });
  t.after(async () => {
    await forwarder.stop();
    await slow.close();
    await fast.close();
  });
  assert.deepEqual(await resolverFor(port).resolve4('example.com'), ['1.1.1.1']);
  assert.deepEqual([slow.questions.length, fast.questions.length], [1, 1], 'both were asked at once');
  const failures = Object.keys(forwarder.metricsSnapshot()).filter((k) => k.startsWith('dns/upstream_failures/'));
  assert.deepEqual(failures, [], 'the abandoned slow one did not fail');
});

test('forward zones go to their own upstreams; when every upstream fails the client gets SERVFAIL', async (t) => {
  const corp = await fakeUpstream(() => ({ answers: [{ type: 'A', name: 'db.a.contoso.com', data: '10.1.1.1' }] }));
  const dead = await silentUpstream();
  const { forwarder, port } = await startForwarder({
    upstreamResolvers: [`127.0.0.1:${dead.port}`],
    forwardZones: { 'a.contoso.com': [`127.0.0.1:${corp.port}`] },
    upstreamTimeoutMs: 200,
  });
  t.after(async () => {
    await forwarder.stop();
    await corp.close();
    await dead.close();
  });
  const r = resolverFor(port);
  assert.deepEqual(await r.resolve4('db.a.contoso.com'), ['10.1.1.1']);
  await assert.rejects(r.resolve4('example.org'), { code: 'ESERVFAIL' });
  const metrics = forwarder.metricsSnapshot();
  assert.equal(metrics[`dns/upstream_failures/127.0.0.1:${dead.port}`], 1);
  assert.equal(metrics['dns/requests/a.contoso.com/NOERROR'], 1);
  assert.equal(metrics['dns/requests/default/SERVFAIL'], 1);
  assert.equal(metrics['dns/request_duration_ms/count'], 2);
  assert.equal(metrics['dns/request_duration_ms/le_10000'], 2, 'both within the largest bucket');
  assert.ok(Object.values(metrics).every((v) => typeof v === 'number'), 'a flat snapshot of numbers');
});

test('a stopped forwarder starts again', async (t) => {
  const { forwarder } = await startForwarder({});
  t.after(() => forwarder.stop());
  await forwarder.stop();
  const { port } = await forwarder.start();
  assert.deepEqual(await resolverFor(port).resolve4('ready.spartan'), ['127.0.0.1']);
});
