/**
 * The master's `/metrics/snapshot` keys that count things beyond tasks: framework ↔ executor messages, the event
 * queue, the registrar's recovery and the legacy agent-shutdown counters, read over HTTP as collectors read them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { createHttpServer } from '../../../runtime/http/http-server.ts';
import { listenHttp } from '../../../runtime/http/listen-http.ts';
import { masterHttpPlugin } from '../../../runtime/master/http/master-http-plugin.ts';
import { Master, MasterError } from '../../../runtime/master/master.ts';
import { collectMasterMetrics } from '../../../runtime/master/master-metrics.ts';
import { Registrar } from '../../../runtime/master/registrar.ts';
import { ManualClock } from '../../../runtime/time/manual-clock.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentHttpPlugin } from '../../../runtime/agent/http/agent-http-plugin.ts';
import { cluster, framework, until, type Harness } from './master-harness.ts';

let h: Harness;
let url: string;
let agentUrl: string;
let fw: Awaited<ReturnType<typeof framework>>;
let close: () => Promise<void>;

before(async () => {
  h = await cluster(1);
  fw = await framework(h.master, 1);
  await until('1 running', () => h.master.counters.activeTasks('TASK_RUNNING') === 1);
  const app = createHttpServer();
  await app.register(masterHttpPlugin, { master: () => h.master, flags: {} });
  url = (await listenHttp(app, '127.0.0.1', 0)).url;
  const agentApp = createHttpServer();
  await agentApp.register(agentHttpPlugin, { agent: h.agents[0]!, flags: {} });
  agentUrl = (await listenHttp(agentApp, '127.0.0.1', 0)).url;
  close = async () => {
    await app.close();
    await agentApp.close();
    await h.close();
  };
});
after(() => close());

async function snapshot(base = url): Promise<Record<string, number>> {
  const res = await fetch(`${base}/metrics/snapshot`);
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, number>;
}

test('registrar/log/recovered is 1 once the registry is read; the legacy slave_shutdowns_* are published as 0', async () => {
  const m = await snapshot();
  assert.equal(m['registrar/log/recovered'], 1);
  for (const k of ['scheduled', 'completed', 'canceled']) assert.equal(m[`master/slave_shutdowns_${k}`], 0, k);
});

/** Waits until the snapshot at `base` satisfies `cond` (messages are delivered on a later turn of the event loop). */
async function snapshotWhen(base: string, what: string, cond: (m: Record<string, number>) => boolean): Promise<Record<string, number>> {
  const end = Date.now() + 5000;
  for (;;) {
    const m = await snapshot(base);
    if (cond(m)) return m;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('scheduler MESSAGE: the master counts it valid when the agent is connected, the agent when the executor runs', async () => {
  const agentId = h.agents[0]!.id!;
  const bytes = new TextEncoder().encode('ping');
  fw.conn.message(agentId, 't0', bytes); // a running executor: valid on both
  fw.conn.message(agentId, 'no-such-executor', bytes); // the master passes it on; the agent has no such executor
  fw.conn.message('no-such-agent', 't0', bytes); // the master drops it
  const a = await snapshotWhen(agentUrl, 'the agent counted both', (m) =>
    m['slave/valid_framework_messages'] === 1 && m['slave/invalid_framework_messages'] === 1);
  assert.equal(a['slave/valid_framework_messages'], 1);
  const m = await snapshot();
  assert.equal(m['master/messages_framework_to_executor'], 3);
  assert.equal(m['master/valid_framework_to_executor_messages'], 2);
  assert.equal(m['master/invalid_framework_to_executor_messages'], 1);
  const calls = Object.entries(m).find(([k]) => /^master\/frameworks\/test\/[^/]+\/calls\/message$/.test(k));
  assert.equal(calls?.[1], 3);
});

test("an executor's message reaches its subscribed framework; one for an unknown framework is counted invalid", async () => {
  const agent = h.agents[0]!;
  assert.ok(agent.executorMessage(fw.conn.frameworkId, 't0', new TextEncoder().encode('pong')));
  assert.ok(agent.executorMessage('no-such-framework', 't0', new TextEncoder().encode('lost')));
  await until('the framework got the message', () => fw.messages.length === 1);
  assert.deepEqual(fw.messages, [{ agentId: agent.id, executorId: 't0', data: 'pong' }]);
  const m = await snapshot();
  assert.equal(m['master/messages_executor_to_framework'], 2);
  assert.equal(m['master/valid_executor_to_framework_messages'], 1);
  assert.equal(m['master/invalid_executor_to_framework_messages'], 1);
});

/** Sends GETs for `paths` pipelined in one write on one connection; resolves with each response's status and body. */
function pipelined(base: string, paths: string[]): Promise<{ status: number; body: string }[]> {
  const { hostname, port } = new URL(base);
  const request = paths
    .map((p, i) => `GET ${p} HTTP/1.1\r\nHost: ${hostname}\r\n${i === paths.length - 1 ? 'Connection: close\r\n' : ''}\r\n`)
    .join('');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer in 10 s')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      let rest = Buffer.concat(chunks);
      const out: { status: number; body: string }[] = [];
      while (rest.length > 0) {
        const end = rest.indexOf('\r\n\r\n');
        if (end < 0) return reject(new Error(`a response without a header end: ${rest.toString()}`));
        const head = rest.subarray(0, end).toString();
        const length = Number(/^content-length: *(\d+)/im.exec(head)?.[1] ?? NaN);
        if (!Number.isInteger(length)) return reject(new Error(`a response without content-length: ${head}`));
        out.push({ status: Number(head.split(' ')[1]), body: rest.subarray(end + 4, end + 4 + length).toString() });
        rest = rest.subarray(end + 4 + length);
      }
      resolve(out);
    });
  });
}

test('master/event_queue_*: numbers ≥ 0, and HTTP requests waiting for the master are counted', async () => {
  const m = await snapshot();
  for (const kind of ['messages', 'dispatches', 'http_requests']) {
    const v = m[`master/event_queue_${kind}`];
    assert.equal(typeof v, 'number', kind);
    assert.ok(v! >= 0, kind);
  }
  // Pipelined in one write, the three requests reach the server in one read: the two master requests are queued for
  // the master's next turn when the snapshot (not a master endpoint) is taken in the same turn.
  const answers = await pipelined(url, ['/master/state', '/master/health', '/metrics/snapshot']);
  assert.deepEqual(answers.map((a) => a.status), [200, 200, 200]);
  assert.equal((JSON.parse(answers[0]!.body) as { id: string }).id, h.master.id);
  const during = JSON.parse(answers[2]!.body) as Record<string, number>;
  assert.equal(during['master/event_queue_http_requests'], 2);
  assert.equal((await snapshot())['master/event_queue_http_requests'], 0);
});

test('a request queued for the master when it stops is refused with MasterError (the route answers 503), not left hanging', async () => {
  const other = await cluster(0);
  try {
    let served = false;
    const queued = other.master.serveHttp(() => {
      served = true;
    });
    assert.equal(other.master.pendingHttpRequests, 1);
    await other.master.stop();
    await assert.rejects(queued, MasterError);
    assert.equal(served, false);
    assert.equal(other.master.pendingHttpRequests, 0);
    await assert.rejects(other.master.serveHttp(() => {}), MasterError);
  } finally {
    await other.close();
  }
});

// In process, not over HTTP: a fired timer's dispatch waits only until the next turn, which no request can be
// placed before deterministically; the snapshot builder the HTTP route calls is read right after the timer fires.
test("master/event_queue_dispatches counts a fired timer's work until the master's turn runs it", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'minidc-master-dispatch-'));
  const clock = new ManualClock();
  const m = new Master({ hostname: 'm1', ip: '127.0.1.1', port: 5050, registrar: new Registrar(join(dir, 'registry.json')), time: clock, agentPingTimeoutMs: 1000, allocationIntervalMs: 60_000 });
  try {
    await m.start();
    const read = () => {
      const out: Record<string, number> = {};
      collectMasterMetrics(m, out);
      return out['master/event_queue_dispatches'];
    };
    assert.equal(read(), 0);
    const advanced = clock.advance(1000); // the ping round falls due and is queued at once
    assert.equal(read(), 1);
    await advanced;
    assert.equal(read(), 0);
  } finally {
    await m.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
