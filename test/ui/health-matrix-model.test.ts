/** The matrix diff: unchanged rows stay the same objects (so they are not re-rendered), changed and new ones do not. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HealthNode, HealthUnit } from '../../ui/client/cluster-types.ts';
import { ABSENT, compareIps, updateMatrix } from '../../ui/client/health-matrix-model.ts';

const unit = (id: string, health = 0): HealthUnit => ({ id, name: id, health, description: '' });
const node = (host_ip: string, health = 0, role = 'agent'): HealthNode => ({ host_ip, health, role });

test('rows are sorted by address; a unit absent from a node is ABSENT; worst is the node\'s worst unit', () => {
  const { matrix, changedRows } = updateMatrix(undefined, [unit('a'), unit('b', 1)], [[node('10.0.0.10'), node('10.0.0.9')], [node('10.0.0.10', 1)]]);
  assert.deepEqual(matrix.rows.map((r) => r.ip), ['10.0.0.9', '10.0.0.10']);
  assert.deepEqual([...matrix.rows[0]!.cells], [0, ABSENT]);
  assert.deepEqual([...matrix.rows[1]!.cells], [0, 1]);
  assert.deepEqual(matrix.rows.map((r) => r.worst), [0, 1]);
  assert.equal(changedRows, 2);
});

test('an update keeps unchanged rows as the same objects and replaces only the changed one', () => {
  const units = [unit('a'), unit('b')];
  const ips = Array.from({ length: 1000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
  const first = updateMatrix(undefined, units, [ips.map((ip) => node(ip)), ips.map((ip) => node(ip))]);
  const second = updateMatrix(first.matrix, [unit('a'), unit('b', 1)], [ips.map((ip) => node(ip)), ips.map((ip) => node(ip, ip === '10.0.1.44' ? 1 : 0))]);
  assert.equal(second.changedRows, 1);
  const changed = second.matrix.rows.filter((r, i) => r !== first.matrix.rows[i]);
  assert.deepEqual(changed.map((r) => r.ip), ['10.0.1.44']);
  assert.equal(changed[0]!.worst, 1);
  assert.notEqual(second.matrix.units, first.matrix.units, 'a unit whose worst health changed gives new column headers');
  assert.equal(second.matrix.unitIds, first.matrix.unitIds, 'but the same ids, so unchanged rows stay as they are');
  const third = updateMatrix(second.matrix, [unit('a'), unit('b', 1)], [ips.map((ip) => node(ip)), ips.map((ip) => node(ip, ip === '10.0.1.44' ? 1 : 0))]);
  assert.equal(third.changedRows, 0);
  assert.equal(third.matrix.units, second.matrix.units);
});

test('a different set of units rebuilds every row; a node that left is gone', () => {
  const first = updateMatrix(undefined, [unit('a')], [[node('10.0.0.1'), node('10.0.0.2')]]);
  const second = updateMatrix(first.matrix, [unit('a'), unit('c')], [[node('10.0.0.1')], [node('10.0.0.1')]]);
  assert.equal(second.changedRows, 1);
  assert.deepEqual(second.matrix.rows.map((r) => r.ip), ['10.0.0.1']);
  assert.notEqual(second.matrix.rows[0], first.matrix.rows[0]);
});

test('addresses compare numerically', () => {
  assert.deepEqual(['127.0.10.1', '127.0.2.1', '127.0.1.1'].sort(compareIps), ['127.0.1.1', '127.0.2.1', '127.0.10.1']);
});
