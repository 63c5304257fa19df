// A 500 reaches the client as JSON and the owning unit's journal with method, url and error, read back through the
// unit read interface — for a server built on createHttpServer and for Marathon's plugin, which answers errors itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createHttpServer, journalInternalErrors } from '../../../runtime/http/http-server.ts';
import { listenHttp } from '../../../runtime/http/listen-http.ts';
import { buildMarathonApp } from '../../../runtime/marathon/marathon-routes.ts';
import { MarathonScheduler } from '../../../runtime/marathon/marathon-scheduler.ts';
import { Unit, type UnitContext } from '../../../runtime/units/unit.ts';
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
