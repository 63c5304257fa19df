import { test } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import { ipv6Bytes } from '../../../runtime/dns/wire/ip-address.ts';
import { isAtOrBelow, nameToWireKey, wireKeyToName } from '../../../runtime/dns/wire/dns-names.ts';
import { parseQuery } from '../../../runtime/dns/wire/dns-query.ts';
import { truncateReply } from '../../../runtime/dns/wire/dns-response.ts';
import { MessageWriter } from '../../../runtime/dns/wire/message-writer.ts';

test('names: wire keys, label boundaries, escapes', () => {
  assert.equal(nameToWireKey('Leader.Mesos.'), '\x06leader\x05mesos');
  assert.equal(nameToWireKey('a..b'), undefined);
  assert.equal(nameToWireKey('x'.repeat(64) + '.mesos'), undefined);
  assert.ok(isAtOrBelow(nameToWireKey('a.mesos')!, nameToWireKey('mesos')!));
  assert.ok(!isAtOrBelow(nameToWireKey('amesos')!, nameToWireKey('mesos')!));
  assert.ok(!isAtOrBelow('\x07x\x05mesos', nameToWireKey('mesos')!), 'a label that merely ends in the zone bytes');
  assert.equal(wireKeyToName('\x03a.b\x05mesos'), 'a\\.b.mesos.');
});

test('IPv6 text to bytes', () => {
  assert.equal(ipv6Bytes('fd01:c::8')!.toString('hex'), 'fd01000c000000000000000000000008');
  assert.equal(ipv6Bytes('::ffff:1.2.3.4')!.toString('hex'), '00000000000000000000ffff01020304');
  assert.equal(ipv6Bytes('::')!.toString('hex'), '0'.repeat(32));
  assert.equal(ipv6Bytes('1.2.3.4'), undefined);
});

test('queries of unusual shape are normalised through dns-packet; EDNS0 is read', () => {
  const withOpt = dnsPacket.encode({
    type: 'query',
    id: 9,
    questions: [{ name: 'Web.Mesos', type: 'SRV' }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }],
  });
  const q = parseQuery(withOpt);
  assert.ok(typeof q !== 'number');
  assert.deepEqual([q.id, q.key, q.qtype, q.edns?.udpSize], [9, '\x03web\x05mesos', 33, 4096]);
  const withTrailing = Buffer.concat([withOpt.subarray(0, withOpt.length - 11), Buffer.from([1, 2, 3])]);
  assert.equal(parseQuery(withTrailing), 1, 'an additional record that is not there: FORMERR');
  withTrailing.writeUInt16BE(0, 10);
  const trailing = parseQuery(withTrailing);
  assert.ok(typeof trailing !== 'number' && trailing.key === '\x03web\x05mesos' && trailing.edns === undefined, 'trailing bytes ignored');
  assert.equal(parseQuery(Buffer.from(withOpt.subarray(0, 20))), 1, 'cut in the question: FORMERR');
});

test('truncation keeps the longest prefix of answers that fits and sets TC', () => {
  const w = new MessageWriter(1024);
  w.begin(nameToWireKey('big.mesos')!, 1, 0x8400);
  for (let i = 0; i < 100; i++) w.a('answer', 60, `10.0.0.${i}`);
  w.addressFor('additional', 60, nameToWireKey('x.mesos')!, '10.1.1.1');
  const full = w.finish();
  const cut = truncateReply(full, 512);
  assert.ok(cut.length <= 512);
  const decoded = dnsPacket.decode(cut);
  assert.ok(decoded.flag_tc);
  assert.equal(decoded.answers!.length, Math.floor((512 - 12 - 15) / 16));
  assert.deepEqual(decoded.answers!.slice(0, 2).map((a) => ('data' in a ? a.data : undefined)), ['10.0.0.0', '10.0.0.1']);
  assert.equal(decoded.additionals!.length, 0);
  assert.equal(truncateReply(full, 4096), full, 'fits: unchanged');
  const all = dnsPacket.decode(full);
  assert.equal(all.answers!.length, 100);
  assert.equal(all.additionals![0]!.name, 'x.mesos', 'glue owner compressed against the question');
});
