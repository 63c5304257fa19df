import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHttpServer } from '../../../runtime/http/http-server.ts';
import { listenHttp } from '../../../runtime/http/listen-http.ts';
import { metricsSnapshotPlugin, type MetricsCollect } from '../../../runtime/http/metrics-snapshot-plugin.ts';
import { systemMetrics } from '../../../runtime/http/system-metrics.ts';

async function withSnapshot(collect: MetricsCollect, fn: (url: string) => Promise<void>): Promise<void> {
  const app = createHttpServer();
  await app.register(metricsSnapshotPlugin, { collect });
  try {
    const { url } = await listenHttp(app, '127.0.0.1', 0);
    await fn(`${url}/metrics/snapshot`);
  } finally {
    await app.close();
  }
}

test('a flat JSON object of numbers with keys sorted, whatever order collect wrote them in', async () => {
  await withSnapshot(
    (out) => {
      out['slave/tasks_running'] = 2;
      out['allocator/mesos/allocation_runs'] = 7;
      out['master/uptime_secs'] = 1.5;
      out['master/elected'] = 1;
    },
    async (url) => {
      const res = await fetch(url);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const text = await res.text();
      assert.equal(
        text,
        '{"allocator/mesos/allocation_runs":7,"master/elected":1,"master/uptime_secs":1.5,"slave/tasks_running":2}',
      );
    },
  );
});

test('non-finite values are left out rather than printed as invalid JSON', async () => {
  await withSnapshot(
    (out) => {
      out.a = Number.NaN;
      out.b = 1;
      out.c = Number.POSITIVE_INFINITY;
    },
    async (url) => assert.deepEqual(await (await fetch(url)).json(), { b: 1 }),
  );
});

test('?timeout that is not a libprocess duration is a 400 with libprocess\'s exact body', async () => {
  await withSnapshot(
    (out) => void (out.a = 1),
    async (url) => {
      const res = await fetch(`${url}?timeout=bad`);
      assert.equal(res.status, 400);
      assert.equal(await res.text(), "Invalid timeout 'bad': Failed to convert '' to number.\n");
      const unit = await fetch(`${url}?timeout=5s`);
      assert.equal(unit.status, 400);
      assert.match(await unit.text(), /^Invalid timeout '5s': Unknown duration unit 's'; supported units are/);
    },
  );
});

test('an async collect that finishes within the timeout gives every key', async () => {
  await withSnapshot(
    async (out) => {
      out.sync = 1;
      await new Promise((r) => setTimeout(r, 5));
      out.late = 2;
    },
    async (url) => {
      assert.deepEqual(await (await fetch(`${url}?timeout=1mins`)).json(), { late: 2, sync: 1 });
      assert.deepEqual(await (await fetch(url)).json(), { late: 2, sync: 1 });
    },
  );
});

test('an async collect still running when the timeout fires: the reply holds the keys written so far', async () => {
  await withSnapshot(
    (out) => {
      out.sync = 1;
      // Never settles, like a metric whose owner is stuck.
      return new Promise<void>(() => {});
    },
    async (url) => {
      const res = await fetch(`${url}?timeout=20ms`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { sync: 1 });
    },
  );
});

test('a failing collect is a 500, not a silently thinner snapshot', async () => {
  await withSnapshot(
    async () => {
      throw new Error('registrar gone');
    },
    async (url) => assert.equal((await fetch(url)).status, 500),
  );
});

test('?jsonp wraps the snapshot', async () => {
  await withSnapshot(
    (out) => void (out.x = 3),
    async (url) => {
      const res = await fetch(`${url}?jsonp=show`);
      assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/);
      assert.equal(await res.text(), 'show({"x":3})');
    },
  );
});

test('system/* gauges describe this machine', () => {
  const out: Record<string, number> = {};
  systemMetrics(out);
  assert.ok(out['system/mem_total_bytes']! > 0);
  assert.ok(out['system/mem_free_bytes']! >= 0 && out['system/mem_free_bytes']! <= out['system/mem_total_bytes']!);
  assert.ok(out['system/cpus_total'] === undefined || out['system/cpus_total'] >= 1);
  for (const k of ['system/load_1min', 'system/load_5min', 'system/load_15min']) assert.ok(out[k]! >= 0, k);
});
