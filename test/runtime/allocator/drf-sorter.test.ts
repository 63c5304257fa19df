// Mesos's DRF sorter conformance cases (sorter_tests.cpp, reference D.8) and the DRF paper's worked example.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DrfSorter } from '../../../runtime/allocator/drf-sorter.ts';
import { Resources } from '../../../runtime/mesos/resources.ts';

const q = (text: string) => Resources.parse(text).quantities();

function join(s: DrfSorter, ...clients: string[]): void {
  for (const c of clients) {
    s.add(c);
    s.activate(c);
  }
}

function sorter(total: string, ...clients: string[]): DrfSorter {
  const s = new DrfSorter();
  s.addTotal(q(total));
  join(s, ...clients);
  return s;
}

test('DRFSorterTest.DRF', () => {
  const s = sorter('cpus:100;mem:100');
  assert.deepEqual(s.sort(), []);
  join(s, 'a', 'b');
  s.allocated('a', q('cpus:5;mem:5'));
  s.allocated('b', q('cpus:6;mem:6'));
  assert.deepEqual(s.sort(), ['a', 'b']);
  join(s, 'c', 'd');
  s.allocated('c', q('cpus:1;mem:1'));
  s.allocated('d', q('cpus:3;mem:1'));
  assert.deepEqual(s.sort(), ['c', 'd', 'a', 'b']);
  s.remove('a');
  s.unallocated('b', q('cpus:4;mem:4'));
  assert.deepEqual(s.sort(), ['c', 'b', 'd']);
  join(s, 'e');
  s.allocated('e', q('cpus:1;mem:5'));
  s.removeTotal(q('cpus:50'));
  assert.deepEqual(s.sort(), ['c', 'b', 'e', 'd']);
  s.addTotal(q('mem:100'));
  join(s, 'f');
  s.allocated('f', q('cpus:5;mem:1'));
  s.allocated('c', q('mem:15'));
  assert.deepEqual(s.sort(), ['e', 'b', 'd', 'c', 'f']);
  assert.equal(s.count, 5);
  s.deactivate('d');
  assert.deepEqual(s.sort(), ['e', 'b', 'c', 'f']);
  s.activate('d');
  assert.deepEqual(s.sort(), ['e', 'b', 'd', 'c', 'f']);
  assert.equal(s.share('e'), 0.025);
});

test('DRFSorterTest.WDRF', () => {
  const s = sorter('cpus:100;mem:100', 'a');
  s.allocated('a', q('cpus:5;mem:5'));
  s.updateWeight('b', 2);
  join(s, 'b');
  s.allocated('b', q('cpus:6;mem:6'));
  assert.deepEqual(s.sort(), ['b', 'a']);
  join(s, 'c');
  s.allocated('c', q('cpus:4;mem:4'));
  assert.deepEqual(s.sort(), ['b', 'c', 'a']);
  s.updateWeight('d', 10);
  join(s, 'd');
  s.allocated('d', q('cpus:10;mem:20'));
  assert.deepEqual(s.sort(), ['d', 'b', 'c', 'a']);
  s.remove('b');
  assert.deepEqual(s.sort(), ['d', 'c', 'a']);
  s.allocated('d', q('cpus:10;mem:25'));
  assert.deepEqual(s.sort(), ['c', 'd', 'a']);
  s.updateWeight('e', 0.1);
  join(s, 'e');
  s.allocated('e', q('cpus:1;mem:1'));
  assert.deepEqual(s.sort(), ['c', 'd', 'a', 'e']);
  s.remove('a');
  assert.deepEqual(s.sort(), ['c', 'd', 'e']);
});

test('DRFSorterTest.UpdateWeight', () => {
  const s = sorter('cpus:100;mem:100', 'a', 'b');
  s.allocated('a', q('cpus:5;mem:5'));
  s.allocated('b', q('cpus:6;mem:6'));
  assert.deepEqual(s.sort(), ['a', 'b']);
  s.updateWeight('b', 2);
  assert.deepEqual(s.sort(), ['b', 'a']);
});

test('DRFSorterTest.AllocationCountTieBreak', () => {
  const s = sorter('cpus:100;mem:100', 'a', 'b', 'c', 'd', 'e');
  s.allocated('a', q('cpus:3;mem:3'));
  s.allocated('b', q('cpus:3;mem:3'));
  for (let i = 0; i < 3; i++) s.allocated('c', q('cpus:1;mem:1'));
  s.allocated('d', q('cpus:2;mem:2'));
  s.allocated('d', q('cpus:1;mem:1'));
  s.allocated('e', q('cpus:3;mem:3'));
  assert.deepEqual(s.sort(), ['a', 'b', 'e', 'd', 'c']);
  s.unallocated('c', q('cpus:3;mem:3'));
  assert.deepEqual(s.sort(), ['c', 'a', 'b', 'e', 'd']);
  s.allocated('c', q('cpus:3;mem:3'));
  assert.deepEqual(s.sort(), ['a', 'b', 'e', 'd', 'c']);
  s.deactivate('c');
  s.activate('c');
  assert.deepEqual(s.sort(), ['a', 'b', 'e', 'd', 'c']);
  s.unallocated('c', q('cpus:3;mem:3'));
  s.allocated('c', q('cpus:3;mem:3'));
  assert.deepEqual(s.sort(), ['a', 'b', 'e', 'd', 'c']);
  s.deactivate('a');
  s.unallocated('a', q('cpus:3;mem:3'));
  s.allocated('a', q('cpus:1;mem:3'));
  assert.deepEqual(s.sort(), ['b', 'e', 'd', 'c']);
  s.activate('a');
  assert.deepEqual(s.sort(), ['b', 'e', 'a', 'd', 'c']);
});

test('DRFSorterTest.HierarchicalAllocation', () => {
  const s = sorter('cpus:100;mem:100', 'a', 'b/c', 'b/d');
  assert.deepEqual(s.sort(), ['a', 'b/c', 'b/d']);
  s.allocated('a', q('cpus:6;mem:6'));
  assert.deepEqual(s.sort(), ['b/c', 'b/d', 'a']);
  s.allocated('b/c', q('cpus:4;mem:4'));
  s.allocated('b/d', q('cpus:3;mem:3'));
  assert.deepEqual(s.sort(), ['a', 'b/d', 'b/c']);
  s.allocated('a', q('cpus:2;mem:2'));
  assert.deepEqual(s.sort(), ['b/d', 'b/c', 'a']);
  join(s, 'b/e/f');
  assert.deepEqual(s.sort(), ['b/e/f', 'b/d', 'b/c', 'a']);
  s.allocated('b/e/f', q('cpus:3.5;mem:3.5'));
  assert.deepEqual(s.sort(), ['a', 'b/d', 'b/e/f', 'b/c']);
  s.remove('b/e/f');
  assert.deepEqual(s.sort(), ['b/d', 'b/c', 'a']);
  s.unallocated('b/c', q('cpus:3;mem:3'));
  assert.deepEqual(s.sort(), ['b/c', 'b/d', 'a']);
  join(s, 'b/e/f');
  s.allocated('b/e/f', q('cpus:3.5;mem:3.5'));
  assert.deepEqual(s.sort(), ['b/c', 'b/d', 'b/e/f', 'a']);
});

test('DRFSorterTest.HierarchicalIterationOrder', () => {
  const s = sorter('cpus:100;mem:100', 'a/b', 'c', 'd', 'd/e');
  assert.deepEqual(s.sort(), ['a/b', 'c', 'd', 'd/e']);
  s.allocated('c', q('cpus:8;mem:8'));
  assert.deepEqual(s.sort(), ['a/b', 'd', 'd/e', 'c']);
  s.allocated('d', q('cpus:3;mem:3'));
  s.allocated('d/e', q('cpus:2;mem:2'));
  assert.deepEqual(s.sort(), ['a/b', 'd/e', 'd', 'c']);
  s.allocated('a/b', q('cpus:6;mem:6'));
  assert.deepEqual(s.sort(), ['d/e', 'd', 'a/b', 'c']);
});

test('DRFSorterTest.ChangeWeightOnSubtree (floating-point order of operations)', () => {
  const s = sorter('cpus:100;mem:100');
  s.updateWeight('b', 3);
  s.updateWeight('a', 2);
  join(s, 'a/x', 'b/y');
  s.allocated('a/x', q('cpus:10;mem:10'));
  s.allocated('b/y', q('cpus:10;mem:10'));
  assert.deepEqual(s.sort(), ['b/y', 'a/x']);
  join(s, 'b/z');
  s.allocated('b/z', q('cpus:5;mem:5'));
  // b = 0.15/3 = 0.049999999999999996 < a = 0.1/2 = 0.05 in IEEE doubles.
  assert.deepEqual(s.sort(), ['b/z', 'b/y', 'a/x']);
  join(s, 'b');
  s.allocated('b', q('cpus:4;mem:4'));
  assert.deepEqual(s.sort(), ['a/x', 'b', 'b/z', 'b/y']);
  join(s, 'a/zz');
  s.allocated('a/zz', q('cpus:2;mem:2'));
  assert.deepEqual(s.sort(), ['a/zz', 'a/x', 'b', 'b/z', 'b/y']);
});

test('DRFSorterTest.UpdateTotal', () => {
  const s = sorter('cpus:10;mem:100', 'a', 'b');
  s.allocated('a', q('cpus:2;mem:1'));
  s.allocated('b', q('cpus:1;mem:2'));
  assert.deepEqual(s.sort(), ['b', 'a']);
  s.removeTotal(q('cpus:10;mem:100'));
  s.addTotal(q('cpus:100;mem:10'));
  assert.deepEqual(s.sort(), ['a', 'b']);
});

test('DRFSorterTest.MultipleSlavesUpdateTotal', () => {
  const s = sorter('cpus:5;mem:50', 'a', 'b');
  s.addTotal(q('cpus:5;mem:50'));
  s.allocated('a', q('cpus:2;mem:1'));
  s.allocated('b', q('cpus:1;mem:3'));
  assert.deepEqual(s.sort(), ['b', 'a']);
  // Agent A's total grows from cpus:5;mem:50 to cpus:95;mem:50.
  s.removeTotal(q('cpus:5;mem:50'));
  s.addTotal(q('cpus:95;mem:50'));
  assert.deepEqual(s.sort(), ['a', 'b']);
});

test('DRFSorterTest.RemoveResources', () => {
  const s = sorter('cpus:10', 'a', 'b');
  s.allocated('a', q('cpus:6'));
  s.allocated('b', q('cpus:4'));
  assert.deepEqual(s.sort(), ['b', 'a']);
  s.removeTotal(q('cpus:5'));
  s.unallocated('a', q('cpus:5'));
  assert.deepEqual(s.sort(), ['a', 'b']);
  assert.equal(s.share('a'), 0.2);
  assert.equal(s.share('b'), 0.8);
});

test('DRFSorterTest.RevocableResources (revocable and regular cpus count together)', () => {
  // cpus:10 + 10 revocable cpus → 20; b holds 1 cpu + 9 revocable cpus.
  const s = sorter('cpus:20;mem:100', 'a', 'b');
  s.allocated('a', q('cpus:2;mem:1'));
  s.allocated('b', q('cpus:10;mem:1'));
  assert.deepEqual(s.sort(), ['a', 'b']);
  assert.equal(s.share('b'), 0.5);
});

test('DRFSorterTest.SplitResourceShares (split disk counts as its sum)', () => {
  const s = sorter('cpus:100;mem:100;disk:100', 'a', 'b');
  s.allocated('a', q('cpus:9;mem:9;disk:9'));
  s.allocated('b', q('cpus:9;mem:9;disk:5'));
  s.allocated('b', q('disk:5'));
  assert.deepEqual(s.sort(), ['a', 'b']);
});

test('DRF paper example: 9 CPU / 18 GB, A <1 CPU, 4 GB>, B <3 CPU, 1 GB> → A 3 tasks, B 2', () => {
  const s = sorter('cpus:9;mem:18', 'A', 'B');
  const task: Record<string, { cpus: number; mem: number }> = { A: { cpus: 1, mem: 4 }, B: { cpus: 3, mem: 1 } };
  let free = { cpus: 9, mem: 18 };
  const tasks: Record<string, number> = { A: 0, B: 0 };
  const picks: string[] = [];
  for (;;) {
    const next = s.sort()[0]!;
    const t = task[next]!;
    if (t.cpus > free.cpus || t.mem > free.mem) break;
    free = { cpus: free.cpus - t.cpus, mem: free.mem - t.mem };
    s.allocated(next, q(`cpus:${t.cpus};mem:${t.mem}`));
    tasks[next]!++;
    picks.push(next);
  }
  assert.deepEqual(tasks, { A: 3, B: 2 });
  assert.deepEqual(picks, ['A', 'B', 'A', 'B', 'A']);
  assert.equal(s.share('A'), 12 / 18);
  assert.equal(s.share('B'), 6 / 9);
});

test('inactive clients are skipped and a client can also be a parent', () => {
  const s = sorter('cpus:10', 'a', 'a/b');
  s.allocated('a', q('cpus:1'));
  assert.deepEqual(s.sort(), ['a/b', 'a']);
  s.deactivate('a/b');
  assert.deepEqual(s.sort(), ['a']);
  s.remove('a/b');
  assert.deepEqual(s.sort(), ['a']);
  assert.equal(s.share('a'), 0.1);
  assert.throws(() => s.add('a'), /already has client/);
  assert.throws(() => s.share('zz'), /no client/);
});
