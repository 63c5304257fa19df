// A 500 reaches the client as JSON and the owning unit's journal with method, url and error, read back through the
// unit read interface — for a server built on createHttpServer, and for Marathon's plugin and the VIP layer's API,
// which answer errors themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createHttpServer, journalInternalErrors } from '../../../runtime/http/http-server.ts';
import { listenHttp } from '../../../runtime/http/listen-http.ts';
import { L4LB_UNIT } from '../../../runtime/l4lb/l4lb.ts';
import { L4lbUnit } from '../../../runtime/l4lb/l4lb-unit.ts';
import { buildMarathonApp } from '../../../runtime/marathon/marathon-routes.ts';
import { MarathonScheduler } from '../../../runtime/marathon/marathon-scheduler.ts';
import { Unit, type UnitContext } from '../../../runtime/units/unit.ts';
import { ManualClock } from '../../../runtime/time/manual-clock.ts';
import { PRIORITY, UnitJournal } from '../../../runtime/units/unit-journal.ts';
import { UnitRegistry } from '../../../runtime/units/unit-registry.ts';
import { NO_HANG, tempDataDir } from '../units/unit-fixtures.ts';

/** A unit serving `build(ctx)` on 127.0.0.1; resolves with the URL and the node's unit reader. */
async function serve(dataDir: string, name: string, build: (ctx: UnitContext) => Promise<FastifyInstance>) {
  let app: FastifyInstance | undefined;
  let url = '';
  const registry = new UnitRegistry();
  const unit = registry.add(
    new Unit({
      name,
      description: 'Test: a server with a broken route',
      journal: new UnitJournal({ dataDir, unit: name }),
      behavior: {
        start: async (ctx) => {
          app = await build(ctx);
          url = (await listenHttp(app, '127.0.0.1', 0)).url;
        },
        stop: async () => {
          await app?.close();
        },
      },
    }),
  );
  await unit.start();
  return { url, reader: registry.reader(), stop: () => unit.stop() };
}

test('a throwing route on a shared server: 500 JSON to the client, the error in the unit journal', NO_HANG, async (t) => {
  const s = await serve(tempDataDir(t), 'dcos-test.service', async (ctx) => {
    const app = createHttpServer({ onInternalError: journalInternalErrors(ctx.log) });
    app.get('/broken', async () => {
      throw new Error('wheel fell off');
    });
    return app;
  });
  t.after(s.stop);
  const res = await fetch(`${s.url}/broken?x=1`);
  assert.equal(res.status, 500);
  assert.deepEqual(await res.json(), { message: 'Internal Server Error' });
  const { entries } = await s.reader.readJournal('dcos-test.service', { tail: 1 });
  assert.equal(entries[0]!.priority, PRIORITY.err);
  assert.match(entries[0]!.message, /^HTTP 500 on GET \/broken\?x=1: Error: wheel fell off/);
});

test("Marathon's own error handler journals its 500s too", NO_HANG, async (t) => {
  const dataDir = tempDataDir(t);
  const scheduler = new MarathonScheduler({
    master: { subscribe: () => Promise.reject(new Error('no master')) },
    dataDir,
    hostname: '127.0.0.1',
  });
  // Stands in for a bug anywhere under a route.
  scheduler.apps.visible = () => {
    throw new TypeError('apps went missing');
  };
  const s = await serve(dataDir, 'dcos-marathon.service', (ctx) =>
    buildMarathonApp({ scheduler, onInternalError: journalInternalErrors(ctx.log) }),
  );
  t.after(s.stop);
  const res = await fetch(`${s.url}/v2/apps`);
  assert.equal(res.status, 500);
  assert.deepEqual(await res.json(), { message: 'An unexpected server error occurred' });
  const { entries } = await s.reader.readJournal('dcos-marathon.service', { tail: 1 });
  assert.match(entries[0]!.message, /^HTTP 500 on GET \/v2\/apps: TypeError: apps went missing/);
});

test("the VIP layer's API (its own server) journals its 500s in dcos-minuteman.service's journal", NO_HANG, async (t) => {
  const dataDir = tempDataDir(t);
  const lb = new L4lbUnit({ api: { host: '127.0.0.1', port: 0 }, vipRange: '127.11.250.0/24' });
  const registry = new UnitRegistry();
  const unit = registry.add(
    new Unit({
      name: L4LB_UNIT,
      description: 'Layer 4 Load Balancer: distributed layer 4 virtual IP load balancer',
      journal: new UnitJournal({ dataDir, unit: L4LB_UNIT }),
      behavior: lb,
    }),
  );
  await unit.start();
  t.after(() => unit.stop());
  // Stands in for a bug behind the route.
  lb.l4lb!.vips = () => {
    throw new RangeError('table torn');
  };
  const res = await fetch(`${lb.apiUrl}/vips`);
  assert.equal(res.status, 500);
  const { entries } = await registry.reader().readJournal(L4LB_UNIT, { tail: 1 });
  assert.match(entries[0]!.message, /^HTTP 500 on GET \/vips: RangeError: table torn/);
});

test('a flood of 500s writes a bounded number of journal lines, then one line counting those it suppressed', NO_HANG, async (t) => {
  const clock = new ManualClock();
  const s = await serve(tempDataDir(t), 'dcos-test.service', async (ctx) => {
    const app = createHttpServer({ onInternalError: journalInternalErrors(ctx.log, { burst: 3, windowMs: 60_000, clock }) });
    app.get('/broken', async () => {
      throw new Error('wheel fell off');
    });
    return app;
  });
  t.after(s.stop);
  for (let i = 0; i < 50; i++) assert.equal((await fetch(`${s.url}/broken?i=${i}`)).status, 500);
  let { entries } = await s.reader.readJournal('dcos-test.service');
  const lines = () => entries.filter((e) => /HTTP 500|suppressed/.test(e.message)).map((e) => e.message);
  assert.equal(lines().length, 3, lines().join('\n'));
  clock.advance(60_000);
  assert.equal((await fetch(`${s.url}/broken?i=last`)).status, 500);
  ({ entries } = await s.reader.readJournal('dcos-test.service'));
  assert.equal(lines().length, 5);
  assert.match(lines()[3]!, /^47 similar line\(s\) suppressed in the last 60 s/);
  assert.match(lines()[4]!, /^HTTP 500 on GET \/broken\?i=last/);
});
