import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { startCluster, waitForDeployed } from './marathon-harness.ts';

const c = await startCluster({ agents: 1 });
after(() => c.close());

interface SseEvent {
  event: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
}

/** A server-sent-events consumer on node's http client, as marathon-lb reads /v2/events. */
class SseConsumer {
  readonly events: SseEvent[] = [];
  private buffer = '';
  private waiters: (() => void)[] = [];
  private res: IncomingMessage | undefined;
  readonly ready: Promise<IncomingMessage>;

  constructor(url: string) {
    this.ready = new Promise((resolve, reject) => {
      const req = httpRequest(url, { headers: { accept: 'text/event-stream' }, timeout: 30_000 }, (res) => {
        this.res = res;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => this.feed(chunk));
        resolve(res);
      });
      req.on('timeout', () => req.destroy(new Error('SSE request timed out')));
      req.on('error', reject);
      req.end();
    });
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue; // a comment (heartbeat)
        fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
      }
      if (fields.has('data')) this.events.push({ event: fields.get('event') ?? 'message', data: JSON.parse(fields.get('data')!) });
    }
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves with the first event matching `pred`, however long the stream takes (the test's own timeout bounds it). */
  async next(what: string, pred: (e: SseEvent) => boolean): Promise<SseEvent> {
    for (;;) {
      const found = this.events.find(pred);
      if (found) return found;
      if (this.res?.complete) throw new Error(`stream ended before ${what}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): void {
    this.res?.destroy();
  }
}

test('GET /v2/events streams a deployment to its success: api_post, deployment_info, status updates, deployment_success', { timeout: 30_000 }, async () => {
  const sse = new SseConsumer(`${c.baseUrl}/v2/events`);
  try {
    const res = await sse.ready;
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] ?? '', /^text\/event-stream/);
    await sse.next('attached', (e) => e.event === 'event_stream_attached');
    const created = await c.api('POST', '/v2/apps', { id: '/sse/web', cmd: 'sleep 100', cpus: 0.1, mem: 16, instances: 2 });
    assert.equal(created.status, 201);
    const deploymentId = created.headers.get('marathon-deployment-id');
    const post = await sse.next('api_post_event', (e) => e.event === 'api_post_event');
    assert.equal(post.data.appDefinition.id, '/sse/web');
    assert.equal(post.data.uri, '/v2/apps');
    const info = await sse.next('deployment_info', (e) => e.event === 'deployment_info');
    assert.equal(info.data.plan.id, deploymentId);
    const success = await sse.next('deployment_success', (e) => e.event === 'deployment_success' && e.data.id === deploymentId);
    assert.equal(success.data.eventType, 'deployment_success');
    assert.ok(!Number.isNaN(Date.parse(success.data.timestamp)));
    const running = sse.events.filter((e) => e.event === 'status_update_event' && e.data.taskStatus === 'TASK_RUNNING');
    assert.equal(running.length, 2);
    assert.equal(running[0]!.data.appId, '/sse/web');
    // Every event says what it is in its data too, as Marathon's do.
    for (const e of sse.events) assert.equal(e.data.eventType, e.event);
  } finally {
    sse.close();
  }
});

test('?event_type= filters the stream; a forced change fails the deployment it overrides', { timeout: 30_000 }, async () => {
  const sse = new SseConsumer(`${c.baseUrl}/v2/events?event_type=deployment_failed&event_type=deployment_success`);
  try {
    await sse.ready;
    await c.api('POST', '/v2/apps', { id: '/sse/stuck', cmd: 'sleep 100', cpus: 0.1, mem: 16, instances: 1000 });
    const first = (await c.api('GET', '/v2/deployments')).body.find((d: { affectedApps: string[] }) => d.affectedApps[0] === '/sse/stuck');
    const put = await c.api('PUT', '/v2/apps/sse/stuck?force=True', { instances: 1 });
    assert.equal(put.status, 200);
    const failed = await sse.next('deployment_failed', (e) => e.event === 'deployment_failed');
    assert.equal(failed.data.id, first.id);
    await sse.next('the forced deployment succeeded', (e) => e.event === 'deployment_success' && e.data.id === put.body.deploymentId);
    assert.deepEqual(new Set(sse.events.map((e) => e.event)), new Set(['deployment_failed', 'deployment_success']));
  } finally {
    sse.close();
  }
});

test('GET /v2/groups: apps in the groups their ids name; an unknown group is a 404', async () => {
  await c.api('POST', '/v2/apps', { id: '/shop/backend/db', cmd: 'sleep 100', cpus: 0.1, mem: 16, instances: 0 });
  await c.api('POST', '/v2/apps', { id: '/top', cmd: 'sleep 100', cpus: 0.1, mem: 16, instances: 0 });
  const root = await c.api('GET', '/v2/groups');
  assert.equal(root.status, 200);
  assert.equal(root.body.id, '/');
  assert.deepEqual(root.body.apps.map((a: { id: string }) => a.id), ['/top']);
  const shop = root.body.groups.find((g: { id: string }) => g.id === '/shop');
  assert.deepEqual(shop.groups.map((g: { id: string }) => g.id), ['/shop/backend']);
  assert.deepEqual(shop.groups[0].apps.map((a: { id: string }) => a.id), ['/shop/backend/db']);
  const backend = await c.api('GET', '/v2/groups/shop/backend');
  assert.equal(backend.body.id, '/shop/backend');
  assert.equal(backend.body.apps[0].version, (await c.api('GET', '/v2/apps/shop/backend/db')).body.app.version);
  const missing = await c.api('GET', '/v2/groups/nope');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.message, "Group '/nope' does not exist");
});

test('DELETE /v2/deployments/{id}: rollback restores the previous definition; force just stops it; unknown is 404', async () => {
  await c.api('POST', '/v2/apps', { id: '/roll', cmd: 'sleep 100', cpus: 0.1, mem: 16, instances: 1 });
  await waitForDeployed(c, '/roll', 1);
  const scaled = await c.api('PUT', '/v2/apps/roll', { instances: 1000 });
  const rollback = await c.api('DELETE', `/v2/deployments/${scaled.body.deploymentId}`);
  assert.equal(rollback.status, 200);
  assert.notEqual(rollback.body.deploymentId, scaled.body.deploymentId);
  assert.equal((await c.api('GET', '/v2/apps/roll')).body.app.instances, 1);
  await waitForDeployed(c, '/roll', 1);

  const again = await c.api('PUT', '/v2/apps/roll', { instances: 1000 });
  const forced = await c.api('DELETE', `/v2/deployments/${again.body.deploymentId}?force=true`);
  assert.equal(forced.status, 202);
  const app = (await c.api('GET', '/v2/apps/roll')).body.app;
  assert.equal(app.instances, 1000);
  assert.deepEqual(app.deployments, []);

  const unknown = await c.api('DELETE', '/v2/deployments/no-such-id');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.message, 'DeploymentPlan no-such-id does not exist');
  await c.api('DELETE', '/v2/apps/roll?force=true');
});

test('DELETE /v2/apps/{id}/tasks kills all (or ?host=) tasks; with scale=True the app shrinks by as many', async () => {
  await c.api('POST', '/v2/apps', { id: '/many', cmd: 'sleep 100', cpus: 0.1, mem: 16, instances: 3 });
  await waitForDeployed(c, '/many', 3);
  const wrongHost = await c.api('DELETE', '/v2/apps/many/tasks?host=elsewhere');
  assert.deepEqual(wrongHost.body, { tasks: [] });
  const scaled = await c.api('DELETE', '/v2/apps/many/tasks?scale=True', undefined, { 'content-type': 'application/json' });
  assert.equal(scaled.status, 200);
  assert.equal(typeof scaled.body.deploymentId, 'string');
  assert.equal((await c.api('GET', '/v2/apps/many')).body.app.instances, 0);
  const missing = await c.api('DELETE', '/v2/apps/none/tasks');
  assert.equal(missing.status, 404);
});

test('HEAD /v2/events is answered at once with the stream headers and no body (it used to hang with no answer)', async () => {
  const res = await fetch(`${c.baseUrl}/v2/events`, { method: 'HEAD', signal: AbortSignal.timeout(5_000) });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  assert.equal(await res.text(), '');
});
