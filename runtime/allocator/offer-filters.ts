/**
 * Refused-offer filters, keyed (framework, role, agent) as Mesos keys them.
 *
 * The allocator asks "is this framework filtered on this agent?" for every framework it walks past, so the lookup
 * is three map hits and no resource arithmetic unless a filter exists. Expiry is driven by a min-heap on the
 * expiry time, so expiring costs nothing for filters that are not due.
 */
import type { Resources } from '../mesos/resources.ts';

export interface RefusedOfferFilter {
  /** The refused resources; an offer they contain is filtered. */
  readonly resources: Resources;
  readonly expiresAt: number;
  /**
   * Whether the filter still applies to an allocation run at exactly `expiresAt`. In Mesos, expiry and the batch
   * allocation are both timers followed by two dispatches, so at the same instant the older timer wins: a filter
   * stretched to the allocation interval was created after that tick's timer and still holds for that run.
   */
  readonly holdsAtExpiry: boolean;
}

interface HeapEntry {
  readonly filter: RefusedOfferFilter;
  readonly framework: string;
  readonly role: string;
  readonly agent: string;
}

export class OfferFilters {
  private readonly byFramework = new Map<string, Map<string, Map<string, RefusedOfferFilter[]>>>();
  private readonly heap: HeapEntry[] = [];

  add(framework: string, role: string, agent: string, filter: RefusedOfferFilter): void {
    let roles = this.byFramework.get(framework);
    if (!roles) this.byFramework.set(framework, (roles = new Map()));
    let agents = roles.get(role);
    if (!agents) roles.set(role, (agents = new Map()));
    let list = agents.get(agent);
    if (!list) agents.set(agent, (list = []));
    list.push(filter);
    this.push({ filter, framework, role, agent });
  }

  /** The filters of one (framework, role, agent), or undefined when there are none (the common, cheap case). */
  get(framework: string, role: string, agent: string): readonly RefusedOfferFilter[] | undefined {
    return this.byFramework.get(framework)?.get(role)?.get(agent);
  }

  isFiltered(framework: string, role: string, agent: string, offer: Resources): boolean {
    const list = this.get(framework, role, agent);
    if (!list) return false;
    for (const f of list) if (f.resources.contains(offer)) return true;
    return false;
  }

  /**
   * Removes expired filters. Before an allocation run pass `beforeRun` so filters that hold at their expiry
   * instant survive it; after the run they go.
   */
  expire(now: number, beforeRun = false): void {
    const h = this.heap;
    while (h.length > 0) {
      const f = h[0]!.filter;
      if (f.expiresAt > now || (f.expiresAt === now && beforeRun && f.holdsAtExpiry)) break;
      this.removeOne(this.pop());
    }
  }

  /** Drops every filter of a framework (deactivation) or of some of its roles (revive). */
  clearFramework(framework: string, roles?: Iterable<string>): void {
    if (roles === undefined) {
      this.byFramework.delete(framework);
      return;
    }
    const byRole = this.byFramework.get(framework);
    if (!byRole) return;
    for (const r of roles) byRole.delete(r);
    if (byRole.size === 0) this.byFramework.delete(framework);
  }

  /** Drops every filter on an agent (agent removed, or its attributes changed). */
  clearAgent(agent: string): void {
    for (const [fw, byRole] of this.byFramework) {
      for (const [role, byAgent] of byRole) {
        byAgent.delete(agent);
        if (byAgent.size === 0) byRole.delete(role);
      }
      if (byRole.size === 0) this.byFramework.delete(fw);
    }
  }

  /** Number of filters per role, for `allocator/mesos/offer_filters/roles/<role>/active`. */
  activeByRole(): Map<string, number> {
    const out = new Map<string, number>();
    for (const byRole of this.byFramework.values())
      for (const [role, byAgent] of byRole) {
        let n = 0;
        for (const list of byAgent.values()) n += list.length;
        out.set(role, (out.get(role) ?? 0) + n);
      }
    return out;
  }

  private removeOne(e: HeapEntry): void {
    const byRole = this.byFramework.get(e.framework);
    const byAgent = byRole?.get(e.role);
    const list = byAgent?.get(e.agent);
    if (!byRole || !byAgent || !list) return; // already cleared
    const i = list.indexOf(e.filter);
    if (i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) byAgent.delete(e.agent);
    if (byAgent.size === 0) byRole.delete(e.role);
    if (byRole.size === 0) this.byFramework.delete(e.framework);
  }

  private push(e: HeapEntry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.filter.expiresAt <= e.filter.expiresAt) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = e;
  }

  private pop(): HeapEntry {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        const mv = (k: number) => (k === i ? last : h[k]!).filter.expiresAt;
        if (l < h.length && h[l]!.filter.expiresAt < mv(m)) m = l;
        if (r < h.length && h[r]!.filter.expiresAt < mv(m)) m = r;
        if (m === i) break;
        h[i] = h[m]!;
        i = m;
      }
      h[i] = last;
    }
    return top;
  }
}
