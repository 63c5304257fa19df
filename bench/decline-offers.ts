/**
 * Mesos's DeclineOffers allocator benchmark setup (hierarchical_allocator_tests.cpp), shared by bench/allocator.ts
 * and bench/otel-allocator.ts: agents `cpus:24;mem:4096;disk:4096;ports:[31000-32000]`, each with
 * `cpus:16;mem:2014;disk:1024` and 16 port ranges already in use by frameworks assigned round-robin (role `*`).
 * Each round times one allocation cycle, then declines every offer with the longest filter.
 */
import { HierarchicalAllocator, MAX_REFUSE_SECONDS } from '../runtime/allocator/hierarchical-allocator.ts';
import { Resources } from '../runtime/mesos/resources.ts';
import { seededRandom } from '../runtime/allocator/seeded-random.ts';

export interface DeclineOffersCluster {
  readonly allocator: HierarchicalAllocator;
  /** Time taken to add the agents. */
  readonly addMs: number;
  /** One timed allocation cycle, its offers declined afterwards (untimed). */
  round(): { ms: number; offers: number };
}

export function declineOffersCluster(agents: number, frameworks: number): DeclineOffersCluster {
  let now = 0;
  const allocator = new HierarchicalAllocator({ clock: { now: () => now }, random: seededRandom(42) });
  const fwIds = Array.from({ length: frameworks }, (_, i) => `framework-${i}`);
  for (const id of fwIds) allocator.addFramework(id, ['*']);

  const total = Resources.parse('cpus:24;mem:4096;disk:4096;ports:[31000-32000]');
  const base = Resources.parse('cpus:16;mem:2014;disk:1024');
  const started = performance.now();
  for (let a = 0; a < agents; a++) {
    // 16 single-port ranges per agent, spread over the port range.
    const ports = Array.from({ length: 16 }, (_, k) => `${31000 + a % 50 + k * 60}-${31000 + a % 50 + k * 60}`);
    const used = base.plus(Resources.parse(`ports:[${ports.join(',')}]`));
    allocator.addAgent(`agent-${a}`, total, [[fwIds[a % frameworks]!, '*', used]]);
  }
  const addMs = performance.now() - started;
  return {
    allocator,
    addMs,
    round() {
      const t0 = performance.now();
      const offers = allocator.allocate();
      const ms = performance.now() - t0;
      for (const o of offers) allocator.recover(o.framework, o.agent, o.role, o.resources, MAX_REFUSE_SECONDS * 10);
      now += 1000;
      return { ms, offers: offers.length };
    },
  };
}
