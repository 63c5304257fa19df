/**
 * Mesos-DNS answers DNS from a worker thread: answers keep coming while the main event loop is blocked, a dead
 * serving thread is reported, stop() ends it, rebuilds cross to it intact; warnings and metrics reach the owner.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { PRIORITY } from '../../../runtime/units/unit-journal.ts';
import type { Priority } from '../../../runtime/units/unit-journal.ts';
import { WorkerServing } from '../../../runtime/dns/mesos-dns/dns-serving.ts';
import type { ServingSettings } from '../../../runtime/dns/mesos-dns/mesos-dns-responder.ts';
import { RecordSet } from '../../../runtime/dns/mesos-dns/record-set.ts';
import { decodeRecords, encodeRecords } from '../../../runtime/dns/mesos-dns/record-transfer.ts';
import { nameToWireKey } from '../../../runtime/dns/wire/dns-names.ts';
import { DnsServer } from '../../../runtime/dns/wire/dns-server.ts';
import { emptyReply } from '../../../runtime/dns/wire/dns-response.ts';
import { MutableStateSource, mesosState, resolverFor, startMesosDns } from './dns-test-support.ts';

const state = () =>
  mesosState({
    agents: [{ id: 'c-S1', ip: '127.0.2.1' }],
    frameworks: [{ id: 'f', name: 'marathon', tasks: [{ id: 'w.1', name: 'web', agent: 'c-S1' }] }],
  });

/** dig in its own process; its output is read when it is done. */
function digLater(port: number, name: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('dig', ['@127.0.0.1', '-p', String(port), '+time=1', '+tries=1', name, 'A']);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', () => resolve(out));
  });
}

test('answers come from the serving thread while the main event loop is blocked', async (t) => {
  const running = await startMesosDns(new MutableStateSource(state()));
  t.after(() => running.dns.stop());
  assert.deepEqual(await resolverFor(running.port).resolve4('web.marathon.mesos'), ['127.0.2.1']);
  const answer = digLater(running.port, 'web.marathon.mesos');
  // Longer than dig waits (1 s): only a thread other than this one can answer it in time.
  const until = Date.now() + 2500;
  while (Date.now() < until) {
    // busy: the main loop runs nothing else
  }
  const out = await answer;
  assert.match(out, /status: NOERROR/, out);
  assert.match(out, /127\.0\.2\.1/);
});

const settings = (port = 0): ServingSettings => ({
  host: '127.0.0.1',
  port,
  domain: 'mesos',
  ttl: 60,
  recurseOn: true,
  srvWeight: 1,
  soa: { mnameKey: nameToWireKey('ns1.mesos')!, rnameKey: nameToWireKey('root.ns1.mesos')!, refresh: 60, retry: 600, expire: 86400, minimum: 60 },
  resolvers: [],
  externalOn: false,
  forwardTimeoutMs: 1000,
  maxForwardsInFlight: 16,
});

test('a serving thread that dies is reported as a crash; one stopped is not', async () => {
  const crashes: string[] = [];
  const serving = new WorkerServing(settings(), { onHandlerError: () => undefined, onCrash: (r) => crashes.push(r) });
  const bound = await serving.start();
  const records = new RecordSet();
  records.address(nameToWireKey('x.marathon.mesos')!, '10.0.0.1');
  await serving.install(records.seal(), 1);
  assert.deepEqual(await resolverFor(bound.port).resolve4('x.marathon.mesos'), ['10.0.0.1']);
  await serving.worker!.terminate();
  assert.equal(crashes.length, 1);
  await assert.rejects(serving.install(records, 2), /not running/);

  const again = new WorkerServing(settings(), { onHandlerError: () => undefined, onCrash: (r) => crashes.push(r) });
  const { port } = await again.start();
  await again.stop();
  assert.equal(crashes.length, 1, 'a stop is not a crash');
  assert.equal(again.worker, undefined, 'the thread has ended');
  // Its sockets are closed: the port can be bound again.
  const server = new DnsServer({ host: '127.0.0.1', port, handler: (q) => emptyReply(q, 0) });
  await server.start();
  await server.stop();
});

test('a bound port is a start error from the serving thread', async () => {
  const first = new WorkerServing(settings(), { onHandlerError: () => undefined, onCrash: () => undefined });
  const { port } = await first.start();
  try {
    const second = new WorkerServing(settings(port), { onHandlerError: () => undefined, onCrash: () => undefined });
    await assert.rejects(second.start(), { code: 'EADDRINUSE' });
  } finally {
    await first.stop();
  }
});

test('records cross to the serving thread intact, shared lists included', () => {
  const records = new RecordSet();
  const agent = Object.freeze(['10.0.0.1', '10.0.0.2']);
  const key = (n: string) => nameToWireKey(n)!;
  records.addresses(key('a.marathon.mesos'), agent);
  records.addresses(key('b.marathon.mesos'), agent);
  records.address(key('v6.marathon.mesos'), 'fd01::1');
  records.srv(key('_a._tcp.marathon.mesos'), key('a-1.marathon.mesos'), 31000);
  records.srv(key('_a._tcp.marathon.mesos'), key('a-2.marathon.mesos'), 31001);
  records.seal();
  const copy = decodeRecords(encodeRecords(records));
  assert.deepEqual([...copy.a], [...records.a]);
  assert.deepEqual([...copy.aaaa], [...records.aaaa]);
  assert.deepEqual(copy.srvOf('_a._tcp.marathon.mesos.'), records.srvOf('_a._tcp.marathon.mesos.'));
  assert.equal(copy.a.get(key('a.marathon.mesos')), copy.a.get(key('b.marathon.mesos')), 'one shared list');
  assert.throws(() => decodeRecords(new ArrayBuffer(8)), /not an encoded record set/);
});

test('warnings go to the injected log with syslog priorities; metrics are one flat snapshot', async (t) => {
  const lines: [string, Priority][] = [];
  const source = new MutableStateSource(state());
  const running = await startMesosDns(source, { log: (m, p) => lines.push([m, p]) });
  t.after(() => running.dns.stop());
  source.failure = new Error('master gone');
  await running.dns.refresh();
  assert.ok(lines.some(([m, p]) => p === PRIORITY.warning && /master gone/.test(m)), JSON.stringify(lines));
  const metrics = (await (await fetch(`${running.http}/metrics/snapshot`)).json()) as Record<string, number>;
  assert.ok(Object.values(metrics).every((v) => typeof v === 'number'));
  assert.equal(metrics['mesos_dns/reload_failures'], 1);
  assert.equal(metrics['mesos_dns/reloads'], 1);
  assert.ok(metrics['mesos_dns/last_publish_ms']! > 0, 'publishing the records is timed');
});
