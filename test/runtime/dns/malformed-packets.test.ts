/** Whatever arrives, the server answers FORMERR or stays silent, and keeps answering real queries. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import { DROP, parseQuery } from '../../../runtime/dns/wire/dns-query.ts';
import { MutableStateSource, mesosState, query, resolverFor, startMesosDns, tcpExchange, udpExchange } from './dns-test-support.ts';

const FORMERR = 1;
const state = mesosState({ agents: [{ id: 'c-S1', ip: '127.0.2.1' }], frameworks: [] });

/** Deterministic bytes (mulberry32) so a failure can be replayed. */
function randomBytes(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (length: number) => Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)));
}

function header(id: number, qdcount: number, arcount = 0): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(0x0100, 2);
  h.writeUInt16BE(qdcount, 4);
  h.writeUInt16BE(arcount, 10);
  return h;
}

const rcodeOf = (reply: Buffer) => reply[3]! & 0x0f;

test('malformed messages over UDP: FORMERR or silence, then real answers', async (t) => {
  const running = await startMesosDns(new MutableStateSource(state));
  t.after(() => running.dns.stop());
  const { port } = running;

  assert.equal(await udpExchange(port, Buffer.from([1, 2, 3, 4, 5]), 200), undefined, 'a truncated header is dropped');

  const badLabel = Buffer.concat([header(7, 1), Buffer.from([70]), Buffer.from('abc'), Buffer.from([0, 0, 1, 0, 1])]);
  const r1 = await udpExchange(port, badLabel);
  assert.ok(r1, 'a bad label length is answered');
  assert.deepEqual([r1.readUInt16BE(0), rcodeOf(r1), r1[2]! >> 7], [7, FORMERR, 1], 'FORMERR with the query ID, QR set');

  const runsOff = Buffer.concat([header(8, 1), Buffer.from([20]), Buffer.from('short')]);
  assert.equal(rcodeOf((await udpExchange(port, runsOff))!), FORMERR);

  // A compression pointer in the question pointing at itself.
  const loop = Buffer.concat([header(9, 1), Buffer.from([0xc0, 12, 0, 1, 0, 1])]);
  assert.equal(rcodeOf((await udpExchange(port, loop))!), FORMERR);
  // …and a loop in an additional record, which goes through the full decoder.
  const loopInAdditional = Buffer.concat([query('leader.mesos').subarray(0, 12), query('leader.mesos').subarray(12), Buffer.from([0xc0, 0x1e, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0])]);
  loopInAdditional.writeUInt16BE(1, 10);
  const loopReply = await udpExchange(port, loopInAdditional);
  assert.ok(loopReply === undefined || rcodeOf(loopReply) === FORMERR, 'FORMERR or dropped');

  assert.equal(rcodeOf((await udpExchange(port, header(10, 0)))!), FORMERR, 'no question');
  assert.equal(rcodeOf((await udpExchange(port, header(11, 2)))!), FORMERR, 'two questions announced, none there');
  const response = query('leader.mesos');
  response[2] = response[2]! | 0x80;
  assert.equal(await udpExchange(port, response, 200), undefined, 'a response is never answered (no reflection loops)');
  const notify = query('leader.mesos');
  notify[2] = (notify[2]! & 0x87) | (4 << 3);
  assert.equal(rcodeOf((await udpExchange(port, notify))!), 4, 'other opcodes: NOTIMP');

  const bytes = randomBytes(1);
  for (let i = 0; i < 300; i++) {
    const reply = await udpExchange(port, bytes(1 + (i % 60)), 20);
    if (reply) assert.ok(reply.length >= 12 && reply[2]! >> 7 === 1, 'anything sent back is a DNS reply');
  }
  assert.deepEqual(await resolverFor(port).resolve4('leader.mesos'), ['127.0.1.1'], 'still answering');
});

test('malformed and abusive TCP streams do not stop the server', async (t) => {
  const running = await startMesosDns(new MutableStateSource(state));
  t.after(() => running.dns.stop());
  const { port } = running;

  // A frame announcing more than is sent, then a hang-up.
  assert.equal((await tcpExchange(port, Buffer.from([0x10, 0x00, 1, 2, 3]), 200)).length, 0);
  // A zero-length frame then a good query on the same connection: only the query is answered.
  const good = query('leader.mesos', 'A', 77);
  const framed = Buffer.concat([Buffer.from([0, 0]), Buffer.from([0, good.length]), good]);
  const out = await tcpExchange(port, framed, 300);
  assert.equal(out.readUInt16BE(0), out.length - 2);
  assert.deepEqual(dnsPacket.decode(out.subarray(2)).answers?.map((a) => ('data' in a ? a.data : undefined)), ['127.0.1.1']);
  // Garbage frames get FORMERR, framed.
  const garbage = Buffer.concat([header(5, 1), Buffer.from([63, 1, 2])]);
  const reply = await tcpExchange(port, Buffer.concat([Buffer.from([0, garbage.length]), garbage]), 300);
  assert.equal(rcodeOf(reply.subarray(2)), FORMERR);
  const bytes = randomBytes(2);
  await Promise.all(Array.from({ length: 20 }, (_, i) => tcpExchange(port, bytes(1 + i * 13), 100)));
  assert.deepEqual(await resolverFor(port).resolve4('leader.mesos'), ['127.0.1.1'], 'still answering');
});

test('the query parser survives any bytes: a query, DROP or an rcode, never an exception', () => {
  const bytes = randomBytes(3);
  const base = Buffer.concat([query('web.marathon.mesos', 'SRV'), Buffer.from([0, 0, 41, 4, 208, 0, 0, 0, 0, 0, 0])]);
  base.writeUInt16BE(1, 10);
  let parsed = 0;
  let rejected = 0;
  for (let i = 0; i < 50_000; i++) {
    let msg: Buffer;
    if (i % 2 === 0) {
      msg = bytes(i % 80);
    } else {
      // A real query with a few bytes changed: half-plausible messages reach the deeper checks.
      msg = Buffer.from(base.subarray(0, base.length - (i % 7)));
      const flips = bytes(3);
      for (let k = 0; k < 1 + (i % 3); k++) msg[flips[k]! % msg.length] = bytes(1)[0]!;
    }
    const result = parseQuery(msg);
    if (typeof result !== 'number') parsed++;
    else if (result === DROP || result === 1 || result === 4) rejected++;
    else assert.fail(`unexpected rcode ${result}`);
  }
  assert.ok(parsed > 1000 && rejected > 1000, `parsed ${parsed}, rejected ${rejected}`);
});
