/** Mesos-DNS's records following the cluster, and surviving a cluster it cannot read. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MutableStateSource, dig, mesosState, resolverFor, startMesosDns, within } from './dns-test-support.ts';

const agents = [
  { id: 'c-S1', ip: '127.0.2.1' },
  { id: 'c-S2', ip: '127.0.2.2' },
];
const withTask = (agent: string, state = 'TASK_RUNNING') =>
  mesosState({ agents, frameworks: [{ id: 'fw', name: 'marathon', tasks: [{ id: 'web.1', name: 'web', agent, state }] }] });

test('a task that moves: the answer follows within a second of notifyChange()', async (t) => {
  const source = new MutableStateSource(withTask('c-S1'));
  const running = await startMesosDns(source);
  t.after(() => running.dns.stop());
  const r = resolverFor(running.port);
  assert.deepEqual(await r.resolve4('web.marathon.mesos'), ['127.0.2.1']);

  source.state = withTask('c-S2');
  running.dns.notifyChange();
  const moved = await within(1000, async () => (await r.resolve4('web.marathon.mesos'))[0] === '127.0.2.2');
  assert.notEqual(moved, undefined, 'moved to the new agent within 1 s');

  source.state = withTask('c-S2', 'TASK_KILLED');
  running.dns.notifyChange();
  const gone = await within(1000, async () => (await dig(running.port, 'web.marathon.mesos', 'A')).status === 'NXDOMAIN');
  assert.notEqual(gone, undefined, 'gone within 1 s of stopping');
});

test('a burst of changes costs one reload (debounced)', async (t) => {
  const source = new MutableStateSource(withTask('c-S1'));
  const running = await startMesosDns(source, { notifyDebounceMs: 50 });
  t.after(() => running.dns.stop());
  const before = source.fetches;
  for (let i = 0; i < 20; i++) running.dns.notifyChange();
  await within(1000, async () => source.fetches > before);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(source.fetches - before, 1);
});

test('the periodic refresh picks up changes nobody announced', async (t) => {
  const source = new MutableStateSource(withTask('c-S1'));
  const running = await startMesosDns(source, { refreshSeconds: 0.2 });
  t.after(() => running.dns.stop());
  source.state = withTask('c-S2');
  const seen = await within(2000, async () => (await resolverFor(running.port).resolve4('web.marathon.mesos'))[0] === '127.0.2.2');
  assert.notEqual(seen, undefined);
});

test('when the state cannot be read or makes no sense, the last good records keep being served', async (t) => {
  const source = new MutableStateSource(withTask('c-S1'));
  const running = await startMesosDns(source);
  t.after(() => running.dns.stop());
  const r = resolverFor(running.port);

  source.failure = new Error('connection refused');
  await running.dns.refresh();
  assert.deepEqual(await r.resolve4('web.marathon.mesos'), ['127.0.2.1']);
  source.failure = undefined;
  source.state = { leader: '', frameworks: [] };
  await running.dns.refresh();
  assert.deepEqual(await r.resolve4('web.marathon.mesos'), ['127.0.2.1']);
  const stats = running.dns.stats();
  assert.equal(stats.reloadFailures, 2);
  assert.match(stats.lastError ?? '', /no leader/);

  source.state = withTask('c-S2');
  await running.dns.refresh();
  assert.deepEqual(await r.resolve4('web.marathon.mesos'), ['127.0.2.2'], 'and recovers on the next good state');
  assert.equal(running.dns.stats().lastError, undefined);
});

test('before any state was read, the domain answers SERVFAIL (other servers get tried) and reads are retried', async (t) => {
  const source = new MutableStateSource(withTask('c-S1'));
  source.failure = new Error('master not up yet');
  const running = await startMesosDns(source, { refreshSeconds: 60 });
  t.after(() => running.dns.stop());
  assert.equal((await dig(running.port, 'web.marathon.mesos', 'A')).status, 'SERVFAIL');
  source.failure = undefined;
  const up = await within(3000, async () => (await dig(running.port, 'web.marathon.mesos', 'A')).status === 'NOERROR');
  assert.notEqual(up, undefined, 'retried within seconds, not at the 60 s refresh');
});

test('the SOA serial moves forward with every reload', async (t) => {
  const source = new MutableStateSource(withTask('c-S1'));
  const running = await startMesosDns(source);
  t.after(() => running.dns.stop());
  const serial = async () => Number((await dig(running.port, 'mesos', 'SOA')).authority[0]?.[6]);
  const first = await serial();
  await running.dns.refresh();
  assert.ok((await serial()) > first);
});

test('start() does not wait long for a master that hangs, and stop() is not held up by it', async (t) => {
  const hanging = { fetchState: () => new Promise<unknown>(() => undefined) };
  const running = await startMesosDns(hanging, { firstLoadWaitMs: 100, stateTimeoutSeconds: 300 });
  t.after(() => running.dns.stop());
  assert.equal((await dig(running.port, 'leader.mesos', 'A')).status, 'SERVFAIL');
  await running.dns.stop();
});

test('a stopped Mesos-DNS starts again', async (t) => {
  const source = new MutableStateSource(withTask('c-S1'));
  const running = await startMesosDns(source);
  t.after(() => running.dns.stop());
  await running.dns.stop();
  const again = await running.dns.start();
  assert.deepEqual(await resolverFor(again.dns!.port).resolve4('web.marathon.mesos'), ['127.0.2.1']);
  assert.equal((await fetch(`${again.http}/v1/version`)).status, 200);
});
