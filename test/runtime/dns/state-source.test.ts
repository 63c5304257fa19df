/** Reading `/master/state` over HTTP, as Mesos-DNS does from a real master. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpStateSource } from '../../../runtime/dns/mesos-dns/state-source.ts';
import { mesosState, resolverFor, startMesosDns } from './dns-test-support.ts';

async function fakeMaster(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
}

test('Mesos-DNS on a master’s /master/state over HTTP, trying masters in order', async (t) => {
  let status = 200;
  const seen: string[] = [];
  const master = await fakeMaster((req, res) => {
    seen.push(`${req.url} ${req.headers['user-agent']}`);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(mesosState({ agents: [{ id: 'c-S1', ip: '127.0.2.1' }], frameworks: [] })));
  });
  const down = await fakeMaster((_req, res) => res.destroy());
  const running = await startMesosDns(httpStateSource([down.url, master.url], 1000));
  t.after(async () => {
    await running.dns.stop();
    await master.close();
    await down.close();
  });
  assert.deepEqual(await resolverFor(running.port).resolve4('slave.mesos'), ['127.0.2.1']);
  assert.deepEqual(seen, ['/master/state Mesos-DNS']);

  status = 503;
  await running.dns.refresh();
  assert.match(running.dns.stats().lastError ?? '', /HTTP 503/);
  assert.deepEqual(await resolverFor(running.port).resolve4('slave.mesos'), ['127.0.2.1'], 'last good records kept');
});

test('a master that does not answer in time counts as a failed read', async (t) => {
  const slow = await fakeMaster(() => undefined);
  t.after(() => slow.close());
  const source = httpStateSource(slow.url, 100);
  await assert.rejects(source.fetchState(new AbortController().signal), /cannot read master state/);
});
