/** The shared UDP+TCP server: one port for both, TCP framing, pipelining, idle connections, failing handlers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { emptyReply } from '../../../runtime/dns/wire/dns-response.ts';
import { DnsServer } from '../../../runtime/dns/wire/dns-server.ts';
import { query, resolverFor, tcpExchange, udpExchange } from './dns-test-support.ts';

const frame = (msg: Buffer) => Buffer.concat([Buffer.from([msg.length >> 8, msg.length & 255]), msg]);

test('UDP and TCP on one port; pipelined TCP queries are all answered; a throwing handler means SERVFAIL', async (t) => {
  const server = new DnsServer({
    host: '127.0.0.1',
    port: 0,
    handler: async (q) => {
      if (q.key.includes('boom')) throw new Error('handler bug');
      await new Promise((r) => setTimeout(r, q.id % 3)); // replies may come back out of order
      return emptyReply(q, 0);
    },
  });
  const { port } = await server.start();
  t.after(() => server.stop());
  const udp = await udpExchange(port, query('a.example', 'A', 1));
  assert.equal(udp?.readUInt16BE(0), 1);

  const ids = Array.from({ length: 10 }, (_, i) => 100 + i);
  const out = await tcpExchange(port, Buffer.concat(ids.map((id) => frame(query('b.example', 'A', id)))), 500);
  const seen: number[] = [];
  for (let at = 0; at < out.length; at += 2 + out.readUInt16BE(at)) seen.push(out.readUInt16BE(at + 2));
  assert.deepEqual(seen.sort(), ids);

  await assert.rejects(resolverFor(port).resolve4('boom.example'), { code: 'ESERVFAIL' });
});

test('idle TCP connections are closed', async (t) => {
  const server = new DnsServer({ host: '127.0.0.1', port: 0, tcpIdleTimeoutMs: 100, handler: (q) => emptyReply(q, 0) });
  const { port } = await server.start();
  t.after(() => server.stop());
  const closed = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => resolve(false), 2000);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.on('error', () => undefined);
  });
  assert.ok(closed, 'the server hung up');
});

test('a fixed port in use is an error, not a silent other port', async (t) => {
  const first = new DnsServer({ host: '127.0.0.1', port: 0, handler: (q) => emptyReply(q, 0) });
  const { port } = await first.start();
  t.after(() => first.stop());
  const second = new DnsServer({ host: '127.0.0.1', port, handler: (q) => emptyReply(q, 0) });
  await assert.rejects(second.start(), { code: 'EADDRINUSE' });
  const decoded = dnsPacket.decode((await udpExchange(port, query('still.example')))!);
  assert.equal(decoded.id, 4242, 'the first server still answers');
});
