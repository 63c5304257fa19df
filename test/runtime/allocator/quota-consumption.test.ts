// Quota consumption counts reservations and resources in use by tasks, never mere offers (Mesos docs/quota.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HierarchicalAllocator } from '../../../runtime/allocator/hierarchical-allocator.ts';
import { parseQuantities, Resources } from '../../../runtime/mesos/resources.ts';
import { seededRandom } from '../../../runtime/allocator/seeded-random.ts';

const CONSUMED = 'allocator/mesos/quota/roles/r1/resources';

test('consumed = reservations + unreserved resources in use; offers are not charged', () => {
  const a = new HierarchicalAllocator({ clock: { now: () => 0 }, random: seededRandom(1) });
  a.addAgent('a1', Resources.parse('cpus:4;mem:4096;cpus(r1):1'));
  a.addFramework('f1', ['r1']);
  const q = parseQuantities('cpus:2;mem:1024');
  a.updateQuota('r1', { guarantees: q, limits: q });

  const [offer] = a.allocate();
  assert.equal(offer!.resources.toString(), 'cpus:1;mem:1024;cpus(r1):1');
  let m = a.snapshot();
  assert.equal(m[`${CONSUMED}/cpus/consumed`], 1, 'only the reservation, the offer is not charged');
  assert.equal(m[`${CONSUMED}/mem/consumed`], undefined);

  // The framework launches a task on part of the offer and declines the rest.
  const used = Resources.parse('cpus:1;mem:512;cpus(r1):1');
  a.offeredToAllocated('a1', 'r1', used);
  a.recover('f1', 'a1', 'r1', offer!.resources.minus(used));
  m = a.snapshot();
  assert.equal(m[`${CONSUMED}/cpus/consumed`], 2);
  assert.equal(m[`${CONSUMED}/mem/consumed`], 512);

  // The task finishes.
  a.recover('f1', 'a1', 'r1', used, undefined, true);
  m = a.snapshot();
  assert.equal(m[`${CONSUMED}/cpus/consumed`], 1);
  assert.equal(m[`${CONSUMED}/mem/consumed`], undefined);

  // An agent that leaves takes its reservation (and anything in use on it) out of consumption.
  a.offeredToAllocated('a1', 'r1', Resources.parse('mem:100'));
  a.removeAgent('a1');
  m = a.snapshot();
  assert.equal(m[`${CONSUMED}/cpus/consumed`], undefined);
  assert.equal(m[`${CONSUMED}/mem/consumed`], undefined);
});
