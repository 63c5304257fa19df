import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AllocationLoop, type Timers } from '../../../runtime/allocator/allocation-loop.ts';
import { HierarchicalAllocator, type Offer } from '../../../runtime/allocator/hierarchical-allocator.ts';
import { Resources } from '../../../runtime/mesos/resources.ts';
import { seededRandom } from '../../../runtime/allocator/seeded-random.ts';

/** Timers stepped by hand: `advance(ms)` fires everything due, in order. */
class ManualTimers implements Timers {
  now = 0;
  private seq = 0;
  private pending = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.pending.delete(h as number);
  }
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.pending].filter(([, t]) => t.at <= end).sort(([a, x], [b, y]) => x.at - y.at || a - b)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.now = Math.max(this.now, due[1].at);
      due[1].fn();
    }
    this.now = end;
  }
}

function setup() {
  const timers = new ManualTimers();
  const allocator = new HierarchicalAllocator({ clock: { now: () => timers.now }, random: seededRandom(1) });
  const batches: Offer[][] = [];
  const loop = new AllocationLoop(allocator, (o) => batches.push(o), { timers, now: () => timers.now });
  return { timers, allocator, batches, loop };
}

test('runs periodically every allocation interval', () => {
  const { timers, allocator, batches, loop } = setup();
  allocator.addFramework('f1', ['r1']);
  allocator.addAgent('a1', Resources.parse('cpus:1;mem:128'));
  loop.start();
  timers.advance(999);
  assert.equal(allocator.metrics.allocationRuns, 0);
  timers.advance(1);
  assert.equal(allocator.metrics.allocationRuns, 1);
  assert.equal(batches.length, 1);
  allocator.recover('f1', 'a1', 'r1');
  timers.advance(1000);
  assert.equal(allocator.metrics.allocationRuns, 2);
  assert.equal(batches.length, 2);
  loop.stop();
  timers.advance(5000);
  assert.equal(allocator.metrics.allocationRuns, 2);
});

test('event-triggered requests are batched into one run over the union of agents', () => {
  const { timers, allocator, batches, loop } = setup();
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
  timers.advance(0);
  assert.equal(allocator.metrics.allocationRuns, 1);
  assert.equal(allocator.metrics.pendingDispatches, 0);
  assert.deepEqual(batches[0]!.map((o) => o.agent).sort(), ['a1', 'a2', 'a3']);
});

test('a run requested for some agents only considers those agents', () => {
  const { timers, allocator, batches, loop } = setup();
  loop.start();
  allocator.addFramework('f1', ['r1']);
  allocator.addAgent('a1', Resources.parse('cpus:1;mem:128'));
  allocator.addAgent('a2', Resources.parse('cpus:1;mem:128'));
  loop.request(['a2']);
  timers.advance(0);
  assert.deepEqual(batches[0]!.map((o) => o.agent), ['a2']);
  timers.advance(1000); // the periodic run picks up the rest
  assert.deepEqual(batches[1]!.map((o) => o.agent), ['a1']);
});
