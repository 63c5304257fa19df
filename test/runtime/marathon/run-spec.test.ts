import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyAppUpdate, isScaleOnly, parseRunSpec, type RunSpec } from '../../../runtime/marathon/run-spec.ts';
import { assignServicePorts, ServicePortsExhaustedError } from '../../../runtime/marathon/service-ports.ts';

function spec(json: Record<string, unknown>): RunSpec {
  const r = parseRunSpec(json);
  if (!r.ok) assert.fail(JSON.stringify(r.error));
  return r.spec;
}

test('unreachableStrategy defaults to replace-and-expunge at once; "disabled" and values are read', () => {
  assert.deepEqual(spec({ id: '/a', cmd: 'x' }).unreachableStrategy, { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 });
  assert.equal(spec({ id: '/a', cmd: 'x', unreachableStrategy: 'disabled' }).unreachableStrategy, 'disabled');
  assert.deepEqual(spec({ id: '/a', cmd: 'x', unreachableStrategy: { inactiveAfterSeconds: 60 } }).unreachableStrategy, {
    inactiveAfterSeconds: 60,
    expungeAfterSeconds: 60,
  });
});

test('errors of the definition and of unreachableStrategy come back together', () => {
  const r = parseRunSpec({ id: '/a', cmd: 'x', mem: -1, unreachableStrategy: { inactiveAfterSeconds: -1 } });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.deepEqual(r.error.details, [
    { path: '/mem', errors: ['error.min'] },
    { path: '/unreachableStrategy/inactiveAfterSeconds', errors: ['error.min'] },
  ]);
  const wrongType = parseRunSpec({ id: '/a', cmd: 'x', unreachableStrategy: 5 });
  assert.equal(wrongType.ok, false);
});

test('partial updates lay the given fields over the app; cmd replaces args and ports replace portDefinitions', () => {
  const current = spec({ id: '/a', args: ['run'], instances: 2, portDefinitions: [{ port: 10000, name: 'http' }], env: { A: '1' } });
  const merged = applyAppUpdate('/a', current, { cmd: 'serve', ports: [0], id: '/elsewhere', env: null }, true);
  assert.equal(merged.cmd, 'serve');
  assert.equal('args' in merged, false);
  assert.deepEqual(merged.ports, [0]);
  assert.equal('portDefinitions' in merged, false);
  assert.equal(merged.id, '/a');
  assert.deepEqual(merged.env, { A: '1' }, 'null means "not given"');
  assert.equal(merged.instances, 2);
  const full = applyAppUpdate('/a', current, { cmd: 'serve' }, false);
  assert.deepEqual(full, { cmd: 'serve', id: '/a' });
});

test('only an instance count change is a scale; map order does not matter', () => {
  const a = spec({ id: '/a', cmd: 'x', env: { A: '1', B: '2' } });
  assert.equal(isScaleOnly(a, spec({ id: '/a', cmd: 'x', env: { B: '2', A: '1' }, instances: 5 })), true);
  assert.equal(isScaleOnly(a, spec({ id: '/a', cmd: 'y', env: { A: '1', B: '2' } })), false);
});

test('service ports: port 0 gets the lowest free one, keeps its previous one, fixed ports are kept', () => {
  const s = spec({ id: '/a', cmd: 'x', portDefinitions: [{ port: 0 }, { port: 10001 }, { port: 0 }] });
  const assigned = assignServicePorts(s, undefined, new Set([10000]));
  assert.deepEqual(assigned.portDefinitions.map((d) => d.port), [10002, 10001, 10003]);
  const again = assignServicePorts(s, assigned, new Set([10000]));
  assert.deepEqual(again.portDefinitions.map((d) => d.port), [10002, 10001, 10003]);
  assert.throws(() => assignServicePorts(s, undefined, new Set(), { min: 10000, max: 10001 }), ServicePortsExhaustedError);
});
