import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseMinAllocatable,
  ResourceParseError,
  Resources,
} from '../../../runtime/mesos/resources.ts';

test('parses and prints Mesos resource text', () => {
  const r = Resources.parse('cpus:2;mem:1024;cpus(role1):4;ports:[31000-31010]');
  assert.equal(r.toString(), 'cpus:2;mem:1024;ports:[31000-31010];cpus(role1):4');
  assert.equal(Resources.parse(r.toString()).toString(), r.toString());
  assert.equal(Resources.parse(' cpus : 0.5 ; disk:10; ').toString(), 'cpus:0.5;disk:10');
  assert.equal(Resources.parse('ports:[1-2, 3-5, 10-10]').toString(), 'ports:[1-5, 10-10]');
  assert.equal(Resources.parse('zones:{b,a,a}').toString(), 'zones:{a, b}');
  assert.equal(Resources.parse('cpus:1;cpus:2').toString(), 'cpus:3', 'repeated entries add up');
  assert.ok(Resources.parse('').isEmpty);
});

test('rejects bad resource text with the offending part named', () => {
  for (const [text, msg] of [
    ['cpus', /cpus/],
    ['cpus:abc', /'abc' is not a number/],
    ['cpus:-1', /is not a number/],
    ['ports:[5-1]', /ends before it begins/],
    ['ports:[1-2', /unterminated/],
    ['cpus(bad role):1', /invalid role/],
    ['cpus:1;ports:2;ports:[1-2]', /mixes value types/],
  ] as const) {
    assert.throws(() => Resources.parse(text), (e: unknown) => e instanceof ResourceParseError && msg.test((e as Error).message), text);
  }
});

test('scalar arithmetic is exact to three decimals (no floating drift)', () => {
  let r = Resources.EMPTY;
  for (let i = 0; i < 10; i++) r = r.plus(Resources.parse('cpus:0.1'));
  assert.equal(r.toString(), 'cpus:1');
  assert.ok(r.contains(Resources.parse('cpus:1')));
  assert.equal(Resources.parse('cpus:0.3').minus(Resources.parse('cpus:0.1')).toString(), 'cpus:0.2');
  assert.equal(Resources.parse('cpus:0.0004').toString(), '', 'below a thousandth rounds away, as in Mesos');
  assert.equal(Resources.parse('mem:1.0005').toString(), 'mem:1.001');
});

test('subtract, contains and ranges', () => {
  const total = Resources.parse('cpus:4;mem:100;ports:[31000-31010]');
  const used = Resources.parse('cpus:1.5;ports:[31002-31003, 31010-31010]');
  const left = total.minus(used);
  assert.equal(left.toString(), 'cpus:2.5;mem:100;ports:[31000-31001, 31004-31009]');
  assert.ok(total.contains(used));
  assert.ok(!left.contains(used));
  assert.ok(left.plus(used).equals(total));
  assert.ok(!total.contains(Resources.parse('cpus(r1):1')), 'reserved is not unreserved');
  assert.equal(Resources.parse('cpus:1').minus(Resources.parse('cpus:5')).toString(), '');
});

test('reservations: allocatableTo follows the role hierarchy', () => {
  const r = Resources.parse('cpus:1;cpus(a):2;cpus(a/b):3;cpus(c):4');
  assert.equal(r.allocatableTo('a').toString(), 'cpus:1;cpus(a):2');
  assert.equal(r.allocatableTo('a/b').toString(), 'cpus:1;cpus(a):2;cpus(a/b):3');
  assert.equal(r.allocatableTo('ab').toString(), 'cpus:1');
  assert.equal(r.reserved().quantities().get('cpus'), 9000);
  assert.equal(r.unreserved().toString(), 'cpus:1');
});

test('shrinkTo caps scalars; absent names mean zero or, for limits, unlimited', () => {
  const r = Resources.parse('cpus:4;mem:100;ports:[1-2]');
  assert.equal(r.shrinkTo(new Map([['cpus', 1500]])).toString(), 'cpus:1.5;ports:[1-2]');
  assert.equal(r.shrinkTo(new Map([['cpus', 1500]]), true).toString(), 'cpus:1.5;mem:100;ports:[1-2]');
  assert.equal(r.shrinkTo(new Map([['cpus', 0]]), true).toString(), 'mem:100;ports:[1-2]');
});

test('min allocatable flag: alternatives separated by |', () => {
  const alts = parseMinAllocatable('cpus:0.01|mem:32');
  assert.deepEqual(alts.map((m) => [...m]), [[['cpus', 10]], [['mem', 32000]]]);
  assert.ok(Resources.parse('mem:32').containsQuantities(alts[1]!));
  assert.throws(() => parseMinAllocatable('ports:[1-2]'), /not a scalar/);
});
