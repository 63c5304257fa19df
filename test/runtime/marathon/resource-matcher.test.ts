import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resources } from '../../../runtime/mesos/resources.ts';
import { matchResources } from '../../../runtime/marathon/resource-matcher.ts';
import { parseRunSpec, type RunSpec } from '../../../runtime/marathon/run-spec.ts';

function spec(over: Record<string, unknown> = {}): RunSpec {
  const r = parseRunSpec({ id: '/app', cmd: 'x', cpus: 0.5, mem: 64, ...over });
  if (!r.ok) assert.fail(JSON.stringify(r.error));
  return r.spec;
}

const fixed = () => 0;

test('takes scalars and one random port per port definition, keeping roles', () => {
  const offer = Resources.parse('cpus:2;mem:1024;disk:100;ports:[31000-31009]');
  const m = matchResources(offer, spec({ disk: 10, portDefinitions: [{ port: 0 }, { port: 0 }] }), ['*'], () => 0.5);
  assert.ok(m.ok);
  assert.equal(m.hostPorts.length, 2);
  assert.equal(new Set(m.hostPorts).size, 2);
  assert.ok(m.hostPorts.every((p) => p >= 31000 && p <= 31009));
  assert.equal(m.resources.scalarMilli('cpus'), 500);
  assert.equal(m.resources.scalarMilli('mem'), 64_000);
  assert.equal(m.resources.scalarMilli('disk'), 10_000);
  assert.ok(offer.contains(m.resources));
});

test('random ports spread over every range and never repeat within a task', () => {
  const offer = Resources.parse('cpus:2;mem:1024;ports:[31000-31000,32000-32001]');
  const m = matchResources(offer, spec({ portDefinitions: [{ port: 0 }, { port: 0 }, { port: 0 }] }), ['*'], fixed);
  assert.ok(m.ok);
  assert.deepEqual([...m.hostPorts].sort(), [31000, 32000, 32001]);
  const tooMany = matchResources(offer, spec({ portDefinitions: [{ port: 0 }, { port: 0 }, { port: 0 }, { port: 0 }] }), ['*'], fixed);
  assert.deepEqual(tooMany, { ok: false, reason: 'InsufficientPorts' });
});

test('requirePorts takes exactly the declared ports or nothing', () => {
  const offer = Resources.parse('cpus:2;mem:1024;ports:[31000-31010]');
  const ok = matchResources(offer, spec({ requirePorts: true, portDefinitions: [{ port: 31005 }] }), ['*'], fixed);
  assert.ok(ok.ok);
  assert.deepEqual(ok.hostPorts, [31005]);
  assert.equal(ok.resources.toString(), 'cpus:0.5;mem:64;ports:[31005-31005]');
  const missing = matchResources(offer, spec({ requirePorts: true, portDefinitions: [{ port: 8080 }] }), ['*'], fixed);
  assert.deepEqual(missing, { ok: false, reason: 'InsufficientPorts' });
});

test('only resources of accepted roles are used', () => {
  const offer = Resources.parse('cpus:1;mem:128;cpus(slave_public):2;mem(slave_public):512;ports(slave_public):[80-80]');
  const pub = matchResources(offer, spec({ portDefinitions: [{ port: 0 }] }), ['slave_public'], fixed);
  assert.ok(pub.ok);
  assert.equal(pub.resources.toString(), 'cpus(slave_public):0.5;mem(slave_public):64;ports(slave_public):[80-80]');
  const unreserved = matchResources(offer, spec({ portDefinitions: [{ port: 0 }] }), ['*'], fixed);
  assert.deepEqual(unreserved, { ok: false, reason: 'InsufficientPorts' });
  const none = matchResources(Resources.parse('cpus(other):4;mem(other):512'), spec(), ['*'], fixed);
  assert.deepEqual(none, { ok: false, reason: 'UnfulfilledRole' });
});

test('a scalar may come from several roles at once', () => {
  const offer = Resources.parse('cpus:0.25;cpus(slave_public):0.25;mem:64');
  const m = matchResources(offer, spec({ portDefinitions: [] }), ['*', 'slave_public'], fixed);
  assert.ok(m.ok);
  assert.equal(m.resources.toString(), 'cpus:0.25;mem:64;cpus(slave_public):0.25');
});

test('each missing scalar has its own reason', () => {
  const offer = Resources.parse('cpus:1;mem:32;disk:0;ports:[1-10]');
  assert.deepEqual(matchResources(offer, spec({ cpus: 2 }), ['*'], fixed), { ok: false, reason: 'InsufficientCpus' });
  assert.deepEqual(matchResources(offer, spec({ cpus: 0.1 }), ['*'], fixed), { ok: false, reason: 'InsufficientMemory' });
  assert.deepEqual(matchResources(offer, spec({ cpus: 0.1, mem: 16, disk: 1 }), ['*'], fixed), { ok: false, reason: 'InsufficientDisk' });
});
