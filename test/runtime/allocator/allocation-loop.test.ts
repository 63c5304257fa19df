import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AllocationLoop } from '../../../runtime/allocator/allocation-loop.ts';
import { HierarchicalAllocator, type Offer } from '../../../runtime/allocator/hierarchical-allocator.ts';
import { Resources } from '../../../runtime/mesos/resources.ts';
import { seededRandom } from '../../../runtime/allocator/seeded-random.ts';
import { ManualClock } from '../../../runtime/time/manual-clock.ts';

function setup() {
  const clock = new ManualClock();
  const allocator = new HierarchicalAllocator({ clock, random: seededRandom(1) });
  const batches: Offer[][] = [];
  const loop = new AllocationLoop(allocator, (o) => batches.push(o), { time: clock });
  return { clock, allocator, batches, loop };
}

test('runs periodically every allocation interval', async () => {
  const { clock, allocator, batches, loop } = setup();
  allocator.addFramework('f1', ['r1']);
  allocator.addAgent('a1', Resources.parse('cpus:1;mem:128'));
  loop.start();
  await clock.advance(999);
  assert.equal(allocator.metrics.allocationRuns, 0);
  await clock.advance(1);
  assert.equal(allocator.metrics.allocationRuns, 1);
  assert.equal(batches.length, 1);
  allocator.recover('f1', 'a1', 'r1');
  await clock.advance(1000);
  assert.equal(allocator.metrics.allocationRuns, 2);
  assert.equal(batches.length, 2);
  loop.stop();
  await clock.advance(5000);
  assert.equal(allocator.metrics.allocationRuns, 2);
});

test('event-triggered requests are batched into one run over the union of agents', async () => {
  const { clock, allocator, batches, loop } = setup();
  loop.start();
  allocator.addFramework('f1', ['r1']);
  for (const id of ['a1', 'a2', 'a3']) {
    allocator.addAgent(id, Resources.parse('cpus:1;mem:128'));
    loop.request([id]);
  }
  assert.equal(allocator.metrics.pendingDispatches, 1);
  const out: Record<string, number> = {};
  allocator.snapshot(out);
  assert.equal(out['allocator/mesos/event_queue_dispatches'], 1);
  await clock.advance(0);
  assert.equal(allocator.metrics.allocationRuns, 1);
  assert.equal(allocator.metrics.pendingDispatches, 0);
  assert.deepEqual(batches[0]!.map((o) => o.agent).sort(), ['a1', 'a2', 'a3']);
});

test('a run requested for some agents only considers those agents', async () => {
  const { clock, allocator, batches, loop } = setup();
  loop.start();
  allocator.addFramework('f1', ['r1']);
  allocator.addAgent('a1', Resources.parse('cpus:1;mem:128'));
  allocator.addAgent('a2', Resources.parse('cpus:1;mem:128'));
  loop.request(['a2']);
  await clock.advance(0);
  assert.deepEqual(batches[0]!.map((o) => o.agent), ['a2']);
  await clock.advance(1000); // the periodic run picks up the rest
  assert.deepEqual(batches[1]!.map((o) => o.agent), ['a1']);
});
