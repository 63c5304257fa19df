/** Mesos-DNS forwarding names outside its domain to upstream resolvers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MutableStateSource, dig, fakeUpstream, mesosState, resolverFor, silentUpstream, startMesosDns } from './dns-test-support.ts';

const state = mesosState({ agents: [], frameworks: [] });

test('names outside the domain are relayed from the first upstream that answers, NXDOMAIN included', async (t) => {
  const upstream = await fakeUpstream((q) =>
    q.name === 'example.com'
      ? { answers: [{ type: 'A', name: 'example.com', ttl: 300, data: '93.184.216.34' }] }
      : { answers: [], rcode: 3 },
  );
  const dead = await silentUpstream();
  const running = await startMesosDns(new MutableStateSource(state), {
    externalOn: true,
    resolvers: [`127.0.0.1:${dead.port}`, `127.0.0.1:${upstream.port}`],
    forwardTimeoutMs: 300,
  });
  t.after(async () => {
    await running.dns.stop();
    await upstream.close();
    await dead.close();
  });
  const r = resolverFor(running.port);
  assert.deepEqual(await r.resolve4('example.com'), ['93.184.216.34'], 'after the silent first resolver times out');
  await assert.rejects(r.resolve4('missing.example.com'), { code: 'ENOTFOUND' });
  const overTcp = await dig(running.port, '+tcp', 'example.com', 'A');
  assert.deepEqual(overTcp.answers.map((a) => [a[1], a[4]]), [['300', '93.184.216.34']], 'relayed unchanged, over TCP too');
  assert.ok(upstream.questions.includes('example.com A'));
  // The domain itself is never forwarded.
  assert.equal((await dig(running.port, 'nothing.mesos', 'A')).status, 'NXDOMAIN');
  assert.ok(!upstream.questions.some((q) => q.includes('mesos')));
  assert.equal((await running.dns.currentStats()).forwarded, 3);
});

test('SERVFAIL when every upstream fails', async (t) => {
  const dead = await silentUpstream();
  const running = await startMesosDns(new MutableStateSource(state), {
    externalOn: true,
    resolvers: [`127.0.0.1:${dead.port}`],
    forwardTimeoutMs: 200,
  });
  t.after(async () => {
    await running.dns.stop();
    await dead.close();
  });
  await assert.rejects(resolverFor(running.port).resolve4('example.com'), { code: 'ESERVFAIL' });
  assert.equal((await running.dns.currentStats()).forwardFailures, 1);
  assert.deepEqual(await resolverFor(running.port).resolve4('leader.mesos'), ['127.0.1.1'], 'the domain still answers');
});

test('REFUSED when forwarding is off', async (t) => {
  const upstream = await fakeUpstream(() => ({ answers: [] }));
  const running = await startMesosDns(new MutableStateSource(state), { externalOn: false, resolvers: [`127.0.0.1:${upstream.port}`] });
  t.after(async () => {
    await running.dns.stop();
    await upstream.close();
  });
  assert.equal((await dig(running.port, 'example.com', 'A')).status, 'REFUSED');
  assert.deepEqual(upstream.questions, []);
});
