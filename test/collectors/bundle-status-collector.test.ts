// minidc_diagnostics_bundles{type,status} read over HTTP from a real node bundle API over a real bundle store:
// every type and status is a series (0 until used), a bundle whose work failed is counted Failed, and deleting it
// takes it out of the count, which is how an operator clears DiagnosticsBundleFailed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_STATUSES, BUNDLE_TYPES, bundleStatusCollector, NODE_BUNDLE_LIST } from '../../collectors/bundles/bundle-status-collector.ts';
import { BundleJobs } from '../../diagnostics/bundles/bundle-jobs.ts';
import { BundleStore } from '../../diagnostics/bundles/bundle-store.ts';
import { nodeBundlePlugin } from '../../diagnostics/bundles/node-bundle-plugin.ts';
import { createHttpServer } from '../../runtime/http/http-server.ts';
import { listenHttp } from '../../runtime/http/listen-http.ts';
import { systemTime } from '../../runtime/time/system-time.ts';
import { HeldBundleContent } from '../diagnostics/bundle-test-support.ts';

test('bundles by type and status, from the node bundle list', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'minidc-bundle-status-'));
  const store = new BundleStore({ dir, clock: systemTime });
  const app = createHttpServer();
  await app.register(nodeBundlePlugin, { jobs: new BundleJobs({ store }), content: new HeldBundleContent() });
  const { url } = await listenHttp(app, '127.0.0.1', 0);
  t.after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });
  const collector = bundleStatusCollector({ url: () => url });
  const read = async () =>
    Object.fromEntries(
      (await collector.collect({ signal: new AbortController().signal })).filter((s) => s.value > 0).map((s) => [`${s.labels!.type} ${s.labels!.status}`, s.value]),
    );

  const all = await collector.collect({ signal: new AbortController().signal });
  assert.equal(all.length, BUNDLE_TYPES.length * BUNDLE_STATUSES.length);
  assert.ok(all.every((s) => s.value === 0));

  for (const id of ['a', 'b', 'c']) await store.create(id, id === 'c' ? 'Cluster' : 'Local');
  await store.update('a', { status: 'Done' });
  await store.update('b', { status: 'Failed', errors: ['journal unreadable'] });
  assert.deepEqual(await read(), { 'Local Done': 1, 'Local Failed': 1, 'Cluster Started': 1 });

  const deleted = await fetch(`${url}${NODE_BUNDLE_LIST}/b`, { method: 'DELETE', signal: AbortSignal.timeout(10_000) });
  assert.equal(deleted.status, 200);
  const after = await read();
  assert.equal(after['Local Failed'], undefined, JSON.stringify(after));
});
