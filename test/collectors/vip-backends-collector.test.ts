// minidc_l4lb_vip_backends{vip,name} and ..._healthy read over HTTP from the Minuteman API's VIP table: a VIP with
// every backend down reads 0 healthy (what VipNoHealthyBackend fires on), a draining backend is not healthy, an
// address-only VIP has an empty name, and a node whose VIP API is not published is the collector down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vipBackendsCollector } from '../../collectors/l4lb/vip-backends-collector.ts';
import { l4lbApi } from '../../runtime/l4lb/l4lb-api.ts';
import type { BackendView, VipsView } from '../../runtime/l4lb/vip-registry.ts';
import { createHttpServer } from '../../runtime/http/http-server.ts';
import { listenHttp } from '../../runtime/http/listen-http.ts';

const backend = (state: BackendView['state'], is_healthy: boolean): BackendView => ({
  state,
  is_healthy,
  active_connections: 0,
  total_successes: 0,
  total_failures: 0,
  consecutive_failures: is_healthy ? 0 : 3,
});
const listening = { state: 'listening', error: null } as const;

test('backends and healthy backends per VIP, from GET /vips', async (t) => {
  let table: VipsView = { vips: {} };
  const app = createHttpServer();
  await app.register(l4lbApi, { source: { vips: () => table, vip: () => undefined, metrics: () => ({}) } });
  const { url } = await listenHttp(app, '127.0.0.1', 0);
  t.after(() => app.close());
  const collector = vipBackendsCollector({ url: () => url });
  const read = async () =>
    Object.fromEntries(
      (await collector.collect({ signal: new AbortController().signal })).map((s) => [`${s.metric.prometheusName} ${s.labels!.vip} ${s.labels!.name}`, s.value]),
    );

  assert.deepEqual(await read(), {});
  table = {
    vips: {
      '11.0.0.1:80': {
        name: 'web.marathon.l4lb.thisdcos.directory:80',
        state: 'active',
        listener: listening,
        backends: { '10.0.0.2:31000': backend('up', true), '10.0.0.3:31000': backend('down', false), '10.0.0.4:31000': backend('draining', true) },
      },
      '11.0.0.2:5432': { name: null, state: 'active', listener: listening, backends: { '10.0.0.5:31001': backend('down', false) } },
    },
  };
  assert.deepEqual(await read(), {
    'minidc_l4lb_vip_backends 11.0.0.1:80 web.marathon.l4lb.thisdcos.directory:80': 3,
    'minidc_l4lb_vip_backends_healthy 11.0.0.1:80 web.marathon.l4lb.thisdcos.directory:80': 1,
    'minidc_l4lb_vip_backends 11.0.0.2:5432 ': 1,
    'minidc_l4lb_vip_backends_healthy 11.0.0.2:5432 ': 0,
  });

  const unpublished = vipBackendsCollector({ url: () => undefined });
  await assert.rejects(async () => unpublished.collect({ signal: new AbortController().signal }), /endpoint not published yet/);
});
