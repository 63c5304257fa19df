/**
 * The master's `/metrics/snapshot` keys that count things beyond tasks: framework ↔ executor messages, the event
 * queue, the registrar's recovery and the legacy agent-shutdown counters, read over HTTP as collectors read them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHttpServer } from '../../../runtime/http/http-server.ts';
import { listenHttp } from '../../../runtime/http/listen-http.ts';
import { masterHttpPlugin } from '../../../runtime/master/http/master-http-plugin.ts';
import { cluster, framework, until, type Harness } from './master-harness.ts';

let h: Harness;
let url: string;
let close: () => Promise<void>;

before(async () => {
  h = await cluster(1);
  await framework(h.master, 1);
  await until('1 running', () => h.master.counters.activeTasks('TASK_RUNNING') === 1);
  const app = createHttpServer();
  await app.register(masterHttpPlugin, { master: () => h.master, flags: {} });
  url = (await listenHttp(app, '127.0.0.1', 0)).url;
  close = async () => {
    await app.close();
    await h.close();
  };
});
after(() => close());

async function snapshot(): Promise<Record<string, number>> {
  const res = await fetch(`${url}/metrics/snapshot`);
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, number>;
}

test('registrar/log/recovered is 1 once the registry is read; the legacy slave_shutdowns_* are published as 0', async () => {
  const m = await snapshot();
  assert.equal(m['registrar/log/recovered'], 1);
  for (const k of ['scheduled', 'completed', 'canceled']) assert.equal(m[`master/slave_shutdowns_${k}`], 0, k);
});
