// The VIP proxy through its public surfaces: real clients connect to the VIP address, real backends answer, and
// the API (in-process view) shows what the control plane thinks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { connect, createServer } from 'node:net';
import { ManualClock } from '../../../runtime/time/manual-clock.ts';
import {
  NO_HANG,
  httpBackend,
  httpGet,
  namedVip,
  refusingPort,
  startL4lb,
  tcpBackend,
  tcpClient,
  type TcpClient,
  vipFqdn,
  waitFor,
} from './l4lb-fixtures.ts';

const key = (port: number) => `127.0.0.1:${port}`;

function tally(into: Map<string, number>, body: string): void {
  into.set(body, (into.get(body) ?? 0) + 1);
}

test('HTTP through a VIP spreads over the backends and keeps working while one is killed', NO_HANG, async (t) => {
  const backends = await Promise.all(['a', 'b', 'c'].map((id) => httpBackend(t, id)));
  const { lb, vipView } = await startL4lb(t);
  const vip = await namedVip(
    lb,
    8080,
    backends.map((b) => b.address),
  );

  const before = new Map<string, number>();
  for (let i = 0; i < 30; i++) {
    const r = await httpGet(vip.ip, vip.port);
    assert.equal(r.status, 200);
    tally(before, r.body);
  }
  assert.deepEqual([...before.keys()].sort(), ['a', 'b', 'c']);

  const dead = backends[1]!;
  await dead.kill();
  // Every request succeeds: the ones that land on the dead backend are retried on another before the client
  // notices; once the breaker opens, none are tried there at all.
  const after = new Map<string, number>();
  for (let i = 0; i < 40; i++) {
    const r = await httpGet(vip.ip, vip.port);
    assert.equal(r.status, 200);
    tally(after, r.body);
  }
  assert.deepEqual([...after.keys()].sort(), ['a', 'c']);
  const view = vipView(vip.key).backends[key(dead.port)]!;
  assert.equal(view.total_failures, 5, 'tried until marked down, never after');
  assert.equal(view.state, 'down');
  assert.equal(view.is_healthy, false);
  assert.equal(vipView(vip.key).backends[key(backends[0]!.port)]!.state, 'up');
});

test('power of two choices sends new connections to the backend with fewer open ones', NO_HANG, async (t) => {
  const [x, y] = await Promise.all([tcpBackend(t), tcpBackend(t)]);
  const { lb, vipView } = await startL4lb(t);
  const vip = await namedVip(lb, 9000, [x.address, y.address]);
  const clients: TcpClient[] = [];
  for (let i = 0; i < 6; i++) {
    const c = await tcpClient(vip.ip, vip.port);
    assert.equal(await c.roundTrip(`hello ${i}`), `hello ${i}`);
    clients.push(c);
  }
  t.after(() => Promise.all(clients.map((c) => c.close())));
  assert.deepEqual([x.accepted.length, y.accepted.length], [3, 3]);

  // Two of x's connections end (the backend closes them): x now has 1 open, y 3.
  x.accepted[0]!.end();
  x.accepted[1]!.end();
  await waitFor('x down to one connection', () => vipView(vip.key).backends[key(x.port)]!.active_connections === 1);

  // Round robin or random would split the next two; least-pending of two choices sends both to x.
  for (let i = 0; i < 2; i++) {
    const c = await tcpClient(vip.ip, vip.port);
    assert.equal(await c.roundTrip('more'), 'more');
    clients.push(c);
  }
  assert.deepEqual([x.accepted.length, y.accepted.length], [5, 3]);
  const view = vipView(vip.key).backends;
  assert.equal(view[key(x.port)]!.active_connections, 3);
  assert.equal(view[key(y.port)]!.active_connections, 3);
});

test('a backend with consecutive connect failures is down for 30 s, then tried again', NO_HANG, async (t) => {
  const clock = new ManualClock(1_000_000);
  const alive = await httpBackend(t, 'alive');
  const deadPort = await refusingPort();
  const { lb, vipView } = await startL4lb(t, { clock });
  const vip = await namedVip(lb, 8080, [alive.address, { ip: '127.0.0.1', port: deadPort }]);
  const dead = () => vipView(vip.key).backends[key(deadPort)]!;

  for (let i = 0; i < 100 && dead().state === 'up'; i++) assert.equal((await httpGet(vip.ip, vip.port)).body, 'alive');
  assert.deepEqual([dead().state, dead().total_failures, dead().consecutive_failures], ['down', 5, 5]);
  assert.equal(lb.metrics()['l4lb/backends_down'], 1);

  // Down: not even tried.
  for (let i = 0; i < 20; i++) assert.equal((await httpGet(vip.ip, vip.port)).body, 'alive');
  await clock.advance(29_999);
  for (let i = 0; i < 20; i++) assert.equal((await httpGet(vip.ip, vip.port)).body, 'alive');
  assert.equal(dead().total_failures, 5);

  // 30 s after the last failure it is picked again; still failing, one failure puts it straight back down.
  await clock.advance(1);
  assert.equal(dead().state, 'up');
  for (let i = 0; i < 100 && dead().state === 'up'; i++) assert.equal((await httpGet(vip.ip, vip.port)).body, 'alive');
  assert.deepEqual([dead().state, dead().total_failures], ['down', 6]);
});

test('removing a backend drains its open connection instead of cutting it', NO_HANG, async (t) => {
  const [x, y] = await Promise.all([tcpBackend(t), tcpBackend(t)]);
  const { lb, vipView } = await startL4lb(t);
  const vip = await namedVip(lb, 9001, [x.address, y.address]);
  const client = await tcpClient(vip.ip, vip.port);
  assert.equal(await client.roundTrip('one'), 'one');
  const [used, other] = x.accepted.length === 1 ? [x, y] : [y, x];

  await lb.setBackends(`${vip.name}:${vip.port}`, [other.address]);
  assert.equal(await client.roundTrip('still connected'), 'still connected');
  const draining = vipView(vip.key).backends[key(used.port)]!;
  assert.deepEqual([draining.state, draining.active_connections], ['draining', 1]);

  const second = await tcpClient(vip.ip, vip.port);
  assert.equal(await second.roundTrip('two'), 'two');
  assert.deepEqual([used.accepted.length, other.accepted.length], [1, 1], 'new connections avoid the removed one');

  await client.close();
  await second.close();
  await waitFor('the drained backend to go', () => !(key(used.port) in vipView(vip.key).backends));
});

test('removing a VIP stops new connections but lets open ones finish', NO_HANG, async (t) => {
  const x = await tcpBackend(t);
  const { lb } = await startL4lb(t);
  const vip = await namedVip(lb, 9002, [x.address]);
  const client = await tcpClient(vip.ip, vip.port);
  assert.equal(await client.roundTrip('before'), 'before');

  await lb.setBackends(`${vip.name}:${vip.port}`, []);
  assert.equal(lb.resolveName(vipFqdn(vip.name)), undefined);
  await assert.rejects(tcpClient(vip.ip, vip.port), /ECONNREFUSED/);
  assert.equal(await client.roundTrip('after'), 'after');
  assert.equal(lb.vip(vip.key)?.state, 'draining');
  assert.equal(lb.metrics()['l4lb/vips'], 0);

  await client.close();
  await waitFor('the drained VIP to go', () => lb.vip(vip.key) === undefined);
});

test('a half-closed client still receives the whole response', NO_HANG, async (t) => {
  // The backend answers only after the client has finished sending (like an HTTP/1.0 client that shuts down).
  const backend = await tcpBackend(t, (s) => {
    let got = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => (got += d));
    s.on('end', () => s.end(got.toUpperCase()));
  });
  const { lb } = await startL4lb(t);
  const vip = await namedVip(lb, 9003, [backend.address]);
  const reply = await new Promise<string>((resolve, reject) => {
    const s = connect({ host: vip.ip, port: vip.port }, () => s.end('request body'));
    let got = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => (got += d));
    s.on('end', () => resolve(got));
    s.on('error', reject);
  });
  assert.equal(reply, 'REQUEST BODY');
});

test('bytes arrive intact and in order when the client reads slower than the backend sends', NO_HANG, async (t) => {
  const backend = await tcpBackend(t);
  const { lb } = await startL4lb(t);
  const vip = await namedVip(lb, 9004, [backend.address]);
  const payload = randomBytes(8 * 1024 * 1024);
  const echoed = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const s = connect({ host: vip.ip, port: vip.port }, () => s.end(payload));
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      length += d.length;
      // Stall reading now and then so the proxy's writes to us back up and it must stop reading the backend.
      if (chunks.length % 50 === 1) {
        s.pause();
        setTimeout(() => s.resume(), 20);
      }
      if (length === payload.length) resolve(Buffer.concat(chunks));
    });
    s.on('error', reject);
  });
  const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  assert.equal(digest(echoed), digest(payload));
});

test('a client that stops reading stalls the backend without losing or wedging small writes', NO_HANG, async (t) => {
  // The backend streams many small writes, so the proxy reads far less than its buffer each time; while the client
  // is not reading, such a small write cannot be flushed. The proxy must stop reading the backend then, and resume
  // once that small write is flushed (which raises no 'drain': nothing reached the stream's high-water mark).
  const total = 16 * 1024 * 1024;
  const piece = Buffer.alloc(1000, 'x');
  const backend = await tcpBackend(t, (s) => {
    s.once('data', () => {
      let sent = 0;
      const more = () => {
        while (sent < total) {
          const n = Math.min(piece.length, total - sent);
          sent += n;
          if (!s.write(piece.subarray(0, n))) return void s.once('drain', () => setImmediate(more));
          if (sent % (piece.length * 8) === 0) return void setImmediate(more);
        }
        s.end();
      };
      more();
    });
  });
  const { lb } = await startL4lb(t);
  const vip = await namedVip(lb, 9006, [backend.address]);
  const received = await new Promise<number>((resolve, reject) => {
    let length = 0;
    const s = connect({ host: vip.ip, port: vip.port }, () => {
      s.write('go');
      s.pause();
      setTimeout(() => s.resume(), 300);
    });
    s.on('data', (d: Buffer) => (length += d.length));
    s.on('end', () => resolve(length));
    s.on('error', reject);
  });
  assert.equal(received, total);
});

test('when every backend refuses, the client is reset after trying each once', NO_HANG, async (t) => {
  const ports = [await refusingPort(), await refusingPort()];
  const { lb, vipView } = await startL4lb(t, { maxConnectAttempts: 3 });
  const vip = await namedVip(
    lb,
    8080,
    ports.map((port) => ({ ip: '127.0.0.1', port })),
  );
  await assert.rejects(httpGet(vip.ip, vip.port), /ECONNRESET|socket hang up/);
  const failures = ports.map((p) => vipView(vip.key).backends[key(p)]!.total_failures);
  assert.deepEqual(failures, [1, 1]);
  assert.equal(lb.metrics()['l4lb/connect_failures_total'], 2);
});

test('a VIP whose address is taken reports the bind error and binds on a later retry', NO_HANG, async (t) => {
  const clock = new ManualClock(1_000_000);
  const backend = await httpBackend(t, 'up');
  const { lb, vipView } = await startL4lb(t, { clock, listenRetryMs: 5000 });
  const ip = `127.13.${randomInt(1, 255)}.${randomInt(1, 255)}`;
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(8080, ip, resolve));

  await lb.setBackends(`${ip}:8080`, [backend.address]);
  const listener = vipView(`${ip}:8080`).listener;
  assert.equal(listener.state, 'failed');
  assert.match(listener.error ?? '', /EADDRINUSE/);
  assert.equal(lb.metrics()['l4lb/vips_not_listening'], 1);

  await new Promise<void>((resolve) => blocker.close(() => resolve()));
  await clock.advance(4999);
  assert.equal(vipView(`${ip}:8080`).listener.state, 'failed', 'no retry before the interval');
  await clock.advance(1);
  await waitFor('the retry to bind', () => vipView(`${ip}:8080`).listener.state === 'listening');
  assert.equal((await httpGet(ip, 8080)).body, 'up');
  assert.equal(lb.metrics()['l4lb/vips_not_listening'], 0);
});

test('stop closes the listeners at once and waits for open connections to end', NO_HANG, async (t) => {
  const x = await tcpBackend(t);
  const { lb } = await startL4lb(t, { drainTimeoutMs: 15_000 });
  const vip = await namedVip(lb, 9005, [x.address]);
  const client = await tcpClient(vip.ip, vip.port);
  assert.equal(await client.roundTrip('a'), 'a');

  let stopped = false;
  const stopping = lb.stop().then(() => (stopped = true));
  await waitFor('the listener to close', async () => {
    try {
      (await tcpClient(vip.ip, vip.port)).socket.destroy();
      return false;
    } catch {
      return true;
    }
  });
  assert.equal(await client.roundTrip('still served'), 'still served');
  assert.equal(stopped, false);
  await client.close();
  await stopping;
});
