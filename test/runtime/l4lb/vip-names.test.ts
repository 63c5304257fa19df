// Named VIPs: label values, DNS names (dcos-net's rules), alias zones, and addresses from the VIP range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandPortRanges } from '../../../runtime/l4lb/mesos-port-ranges.ts';
import { NamedVipAddresses } from '../../../runtime/l4lb/named-vip-addresses.ts';
import { canonicalVipName, namedVipFqdn, sanitizeDnsLabel } from '../../../runtime/l4lb/vip-names.ts';
import { parseVipLabel } from '../../../runtime/l4lb/vip-table.ts';
import { ipv4ToInt } from '../../../runtime/l4lb/ipv4-range.ts';

test('a named VIP is <name>.<framework>.l4lb.thisdcos.directory with slashes dropped', () => {
  assert.equal(namedVipFqdn('/mygroup/myapp', 'marathon'), 'mygroupmyapp.marathon.l4lb.thisdcos.directory');
  assert.equal(namedVipFqdn('/sise', 'marathon'), 'sise.marathon.l4lb.thisdcos.directory');
  assert.equal(namedVipFqdn('web', 'marathon'), 'web.marathon.l4lb.thisdcos.directory');
  // Dots split the name into labels; each label is sanitised on its own.
  assert.equal(namedVipFqdn('/My_App.v2', 'Marathon-User'), 'my-app.v2.marathon-user.l4lb.thisdcos.directory');
  assert.equal(namedVipFqdn('/a..b', 'marathon'), 'a.b.marathon.l4lb.thisdcos.directory');
  // Nothing valid left: no name at all rather than an empty label.
  assert.equal(namedVipFqdn('/', 'marathon'), undefined);
  assert.equal(namedVipFqdn('/web', '%%'), undefined);
});

test('labels are sanitised as Mesos-state does it', () => {
  assert.equal(sanitizeDnsLabel('fd%gsf---gs7-f$gs--d7fddg-123'), 'fdgsf---gs7-fgs--d7fddg-123');
  assert.equal(sanitizeDnsLabel('4abc123'), '4abc123');
  assert.equal(sanitizeDnsLabel('-4abc123'), '4abc123');
  assert.equal(sanitizeDnsLabel('89fdgsf---gs7-fgs--d7fddg-'), '89fdgsf---gs7-fgs--d7fddg');
  assert.equal(sanitizeDnsLabel('0-0'), '0-0');
  assert.equal(sanitizeDnsLabel('Under_Score'), 'under-score');
  // 63 characters at most; when the limit falls on dashes they are trimmed and letters/digits fill the room.
  const digits = '123456789012345678901234567890123456789';
  assert.equal(sanitizeDnsLabel(`##fdgsf---gs7-fgs--d7fddg${digits}-`), `fdgsf---gs7-fgs--d7fddg${digits}`);
  assert.equal(sanitizeDnsLabel(`fd%gsf---gs7-f$gs--d7fddg${digits}-123`), `fdgsf---gs7-fgs--d7fddg${digits}1`);
  assert.equal(sanitizeDnsLabel(`%%fdgsf---gs7-fgs--d7fddg${digits}---123`), `fdgsf---gs7-fgs--d7fddg${digits}1`);
  const long = sanitizeDnsLabel('x'.repeat(100));
  assert.equal(long, 'x'.repeat(63));
});

test('VIP label values split at the last colon: an IP is a fixed VIP, anything else a name', () => {
  assert.deepEqual(parseVipLabel('10.0.0.5:80'), { kind: 'ip', ip: '10.0.0.5', port: 80 });
  assert.deepEqual(parseVipLabel('fd01::5:80'), { kind: 'ip', ip: 'fd01::5', port: 80 });
  assert.deepEqual(parseVipLabel('[fd01::5]:80'), { kind: 'ip', ip: 'fd01::5', port: 80 });
  assert.deepEqual(parseVipLabel('/web:8080'), {
    kind: 'named',
    fqdn: 'web.marathon.l4lb.thisdcos.directory',
    port: 8080,
  });
  assert.deepEqual(parseVipLabel('/web:80', 'jenkins'), {
    kind: 'named',
    fqdn: 'web.jenkins.l4lb.thisdcos.directory',
    port: 80,
  });
  assert.deepEqual(parseVipLabel('/web:080'), {
    kind: 'named',
    fqdn: 'web.marathon.l4lb.thisdcos.directory',
    port: 80,
  });
  const bad = ['/web', '/web:', '/web:0', '/web:65536', '/web:http', '/web:-1', '/web:8 0', ':80', '/:80', '10.0.0.5'];
  for (const value of bad) {
    assert.equal(parseVipLabel(value), undefined, value);
  }
});

test('query names are matched case-insensitively, with or without the trailing dot, and through alias zones', () => {
  const canonical = 'web.marathon.l4lb.thisdcos.directory';
  for (const q of [
    'Web.Marathon.L4LB.thisdcos.directory.',
    'web.marathon.dclb.thisdcos.directory',
    'web.marathon.dclb.thisdcos.global',
    'web.marathon.l4lb.thisdcos.global',
  ])
    assert.equal(canonicalVipName(q), canonical, q);
  assert.equal(canonicalVipName('web.marathon.mesos'), 'web.marathon.mesos');
});

test('a name gets the same address in the range every time, also in a fresh allocator', () => {
  const a = new NamedVipAddresses('127.11.0.0/16');
  const ip = a.addressOf('web.marathon.l4lb.thisdcos.directory');
  const n = ipv4ToInt(ip);
  assert.ok(n > ipv4ToInt('127.11.0.0') && n < ipv4ToInt('127.11.255.255'), ip);
  assert.equal(a.addressOf('web.marathon.l4lb.thisdcos.directory'), ip);
  assert.equal(new NamedVipAddresses('127.11.0.0/16').addressOf('web.marathon.l4lb.thisdcos.directory'), ip);
  assert.notEqual(a.addressOf('db.marathon.l4lb.thisdcos.directory'), ip);
});

test('collisions take the next free address; an exhausted range throws', () => {
  // A /30 has two usable addresses (.1 and .2): two names always get both, whatever their hashes.
  const a = new NamedVipAddresses('127.12.0.0/30');
  const first = a.addressOf('one');
  const second = a.addressOf('two');
  assert.deepEqual([first, second].sort(), ['127.12.0.1', '127.12.0.2']);
  assert.throws(() => a.addressOf('three'), /exhausted/);
  assert.equal(a.addressOf('one'), first, 'a name keeps its address');
  assert.throws(() => new NamedVipAddresses('127.11.0.0/31'), /invalid VIP range/);
  assert.throws(() => new NamedVipAddresses('not-a-range'), /invalid VIP range/);
});

test('Mesos port ranges expand in order', () => {
  assert.deepEqual(expandPortRanges('[31000-31000, 31005-31006]'), [31000, 31005, 31006]);
  assert.deepEqual(expandPortRanges('[]'), []);
  assert.equal(expandPortRanges('31000'), undefined);
  assert.equal(expandPortRanges('[31006-31005]'), undefined);
});
