/**
 * TCP connections are bounded: a message must arrive whole within its deadline, and a full connection table makes
 * room for a new client (evicting the oldest idle connection) instead of resetting it — for the shared server, for
 * Mesos-DNS and for the forwarder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { DnsForwarder } from '../../../runtime/dns/forwarder/dns-forwarder.ts';
import { mesosDnsMetrics } from '../../../runtime/dns/mesos-dns/mesos-dns-metrics.ts';
import { emptyReply } from '../../../runtime/dns/wire/dns-response.ts';
import { DnsServer } from '../../../runtime/dns/wire/dns-server.ts';
import { MutableStateSource, dig, mesosState, query, startMesosDns } from './dns-test-support.ts';

const MAX = 8;
const DEADLINE_MS = 300;
const limits = { maxConnections: MAX, messageDeadlineMs: DEADLINE_MS };

/**
 * A client that announces a 64-byte message and sends it one byte every `everyMs` — always active, never done.
 * `closed` resolves true when the server hangs up, false when the client gave up after sending everything.
 */
function slowDrip(port: number, everyMs = 50): { connected: Promise<void>; closed: Promise<boolean>; stop(): void } {
  const socket = net.connect({ host: '127.0.0.1', port });
  let timer: NodeJS.Timeout | undefined;
  let sent = 0;
  const message = Buffer.concat([Buffer.from([0, 64]), Buffer.alloc(64, 1)]);
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const closed = new Promise<boolean>((resolve) => {
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve(sent < message.length);
    });
    socket.once('connect', () => {
      timer = setInterval(() => {
        if (sent >= message.length) return socket.destroy();
        socket.write(message.subarray(sent, ++sent));
      }, everyMs);
    });
  });
  return { connected, closed, stop: () => socket.destroy() };
}

/** One framed query over a fresh TCP connection (node's resolver has no TCP mode); resolves with the decoded reply. */
function tcpQuery(port: number, message: Buffer, waitMs = 5000): Promise<dnsPacket.Packet> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => fail(new Error('no TCP reply')), waitMs);
    const fail = (e: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(e);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('closed before a reply')));
    socket.on('data', (c: Buffer) => {
      buffered = Buffer.concat([buffered, c]);
      if (buffered.length < 2 || buffered.length < 2 + buffered.readUInt16BE(0)) return;
      clearTimeout(timer);
      socket.removeAllListeners('close');
      socket.destroy();
      resolve(dnsPacket.decode(buffered.subarray(2, 2 + buffered.readUInt16BE(0))));
    });
    socket.write(Buffer.concat([Buffer.from([message.length >> 8, message.length & 255]), message]));
  });
}

/** More slow-drip clients than the table holds, all connected; stopped when the test ends. */
async function fillTable(t: { after(fn: () => void): void }, port: number) {
  const drips = Array.from({ length: MAX + 2 }, () => slowDrip(port));
  t.after(() => drips.forEach((d) => d.stop()));
  await Promise.all(drips.map((d) => d.connected));
  return drips;
}

test('a full table of slow-drip connections: a normal TCP query is still answered, and the drips hit their deadline', async (t) => {
  const server = new DnsServer({
    host: '127.0.0.1',
    port: 0,
    maxTcpConnections: MAX,
    tcpMessageDeadlineMs: DEADLINE_MS,
    handler: (q) => emptyReply(q, 0),
  });
  const { port } = await server.start();
  t.after(() => server.stop());
  const drips = await fillTable(t, port);
  const reply = await tcpQuery(port, query('normal.example', 'A', 77));
  assert.equal(reply.id, 77);
  assert.deepEqual(await Promise.all(drips.map((d) => d.closed)), drips.map(() => true), 'every drip was cut off mid-message');
  const counters = server.counters();
  assert.ok(counters.tcp_closed_deadline >= 1, 'deadline closes are counted');
  assert.ok(counters.tcp_evicted >= 2, 'evictions are counted');
});

test('the oldest idle connection is evicted before one in the middle of a message', async (t) => {
  const server = new DnsServer({
    host: '127.0.0.1',
    port: 0,
    maxTcpConnections: 2,
    tcpMessageDeadlineMs: 60_000,
    handler: (q) => emptyReply(q, 0),
  });
  const { port } = await server.start();
  t.after(() => server.stop());
  const drip = slowDrip(port, 20);
  await drip.connected;
  const idle = net.connect({ host: '127.0.0.1', port });
  const idleClosed = new Promise<void>((resolve) => idle.on('close', () => resolve()));
  idle.on('error', () => undefined);
  t.after(() => idle.destroy());
  await new Promise((r) => idle.once('connect', r));
  const reply = await tcpQuery(port, query('third.example', 'A', 3));
  assert.equal(reply.id, 3);
  await idleClosed;
  drip.stop();
  assert.equal(await drip.closed, true);
  assert.equal(server.counters().tcp_evicted, 1);
});

test('Mesos-DNS: slow-drip clients cannot lock out a TCP query (dig +tcp)', async (t) => {
  const source = new MutableStateSource(
    mesosState({ agents: [{ id: 'c-S1', ip: '127.0.2.1' }], frameworks: [{ id: 'f', name: 'marathon', tasks: [{ id: 'w.1', name: 'web', agent: 'c-S1' }] }] }),
  );
  const running = await startMesosDns(source, { tcp: limits });
  t.after(() => running.dns.stop());
  const drips = await fillTable(t, running.port);
  const answer = await dig(running.port, '+tcp', 'web.marathon.mesos', 'A');
  assert.equal(answer.status, 'NOERROR', answer.raw);
  assert.deepEqual(answer.answers.map((a) => a[4]), ['127.0.2.1']);
  assert.ok((await Promise.all(drips.map((d) => d.closed))).every(Boolean), 'the drips were cut off');
  const metrics = mesosDnsMetrics(await running.dns.currentStats());
  assert.ok(metrics['mesos_dns/tcp/closed_deadline']! >= 1);
  assert.ok(metrics['mesos_dns/tcp/evicted']! >= 2);
});

test('the forwarder: slow-drip clients cannot lock out a TCP query (dig +tcp)', async (t) => {
  const forwarder = new DnsForwarder({ listen: { host: '127.0.0.1', port: 0 }, mesosResolvers: [], upstreamResolvers: [], tcp: limits });
  const { port } = await forwarder.start();
  t.after(() => forwarder.stop());
  const drips = await fillTable(t, port);
  const answer = await dig(port, '+tcp', 'ready.spartan', 'A');
  assert.deepEqual(answer.answers.map((a) => a[4]), ['127.0.0.1'], answer.raw);
  assert.ok((await Promise.all(drips.map((d) => d.closed))).every(Boolean), 'the drips were cut off');
  const metrics = forwarder.metricsSnapshot();
  assert.ok(metrics['dns/tcp/closed_deadline']! >= 1);
  assert.ok(metrics['dns/tcp/evicted']! >= 2);
});
