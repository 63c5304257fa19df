/**
 * Mesos's hierarchical allocator as a pure state machine: events change state, `allocate()` runs one cycle and
 * returns the offers it made. Time comes from an injected clock and agent order from an injected random source, so
 * the same inputs give the same offers (the simulator and the tests depend on it).
 *
 * One cycle (Mesos's `__generateOffers`):
 *   stage 1 — roles with unmet quota guarantees get unreserved resources towards them (plus their reservations);
 *   stage 2 — everything else is shared by DRF across roles, then across the frameworks of each role;
 * while enough unreserved resources are held back ("headroom") for guarantees not yet met. The whole allocatable
 * remainder of an agent goes to one framework per role and stage (coarse-grained offers).
 */
import { DrfSorter } from './drf-sorter.ts';
import { OfferFilters } from './offer-filters.ts';
import {
  addQuantities,
  minusQuantities,
  type Quantities,
  type Resource,
  Resources,
  subtractQuantities,
  UNRESERVED,
} from '../mesos/resources.ts';
import { shuffle } from './seeded-random.ts';
import { AllocatorMetrics } from './allocator-metrics.ts';
import type { Clock } from '../time/clock.ts';
import { systemTime } from '../time/system-time.ts';
import { endSpan, startSpan } from '../telemetry/tracer.ts';

export const DEFAULT_ALLOCATION_INTERVAL_MS = 1000;
/** Mesos's Filters.refuse_seconds default. */
export const DEFAULT_REFUSE_SECONDS = 5;
/** Longer refusals are clamped to 365 days. */
export const MAX_REFUSE_SECONDS = 365 * 24 * 3600;
/** `--min_allocatable_resources` default `cpus:0.01|mem:32`, in milli units. */
export const DEFAULT_MIN_ALLOCATABLE: readonly Quantities[] = [new Map([['cpus', 10]]), new Map([['mem', 32_000]])];

export class AllocatorError extends Error {}

export interface AllocatorOptions {
  /** Filter expiry and metric windows follow its monotonic clock. Default systemTime. */
  clock?: Pick<Clock, 'now'>;
  /** Source of randomness for agent shuffling (seed it for reproducible runs). */
  random: () => number;
  allocationIntervalMs?: number;
  /** Alternatives, any of which makes an offer worth sending; an empty list disables the check. */
  minAllocatableResources?: readonly Quantities[];
  fairnessExcludedResourceNames?: readonly string[];
  /** Offer agents that have GPUs only to frameworks with the GPU_RESOURCES capability (Mesos default: true). */
  filterGpuResources?: boolean;
}

export interface Quota {
  readonly guarantees: ReadonlyMap<string, number>;
  /** Absent names are unlimited. */
  readonly limits: ReadonlyMap<string, number>;
}

const DEFAULT_QUOTA: Quota = { guarantees: new Map(), limits: new Map() };

export interface Offer {
  readonly framework: string;
  readonly agent: string;
  readonly role: string;
  readonly resources: Resources;
}

export interface FrameworkOptions {
  suppressedRoles?: Iterable<string>;
  /** e.g. `GPU_RESOURCES`. */
  capabilities?: Iterable<string>;
  active?: boolean;
}

interface AgentState {
  readonly id: string;
  total: Resources;
  available: Resources;
  /** framework → role → resources offered or allocated to it here. */
  readonly offeredOrAllocated: Map<string, Map<string, Resources>>;
  activated: boolean;
  readonly hasGpus: boolean;
  /** Unreserved scalars in use by tasks (offers accepted), per role: what quota consumption counts. */
  readonly allocatedUnreserved: Map<string, Quantities>;
}

interface FrameworkState {
  readonly id: string;
  readonly roles: Set<string>;
  readonly suppressedRoles: Set<string>;
  readonly capabilities: Set<string>;
  active: boolean;
}

/** What the allocator tracks per role path, aggregated over the role and its subroles (Mesos's role tree). */
interface RoleState {
  readonly frameworks: Set<string>;
  quota: Quota;
  /** All reservations to this role and its subroles, allocated or not. */
  readonly reservations: Quantities;
  readonly offeredOrAllocatedUnreserved: Quantities;
  readonly offeredOrAllocatedReserved: Quantities;
  /** Unreserved scalars in use by tasks (not merely offered) in this role and its subroles. */
  readonly allocatedUnreserved: Quantities;
}

function isDefaultQuota(q: Quota): boolean {
  return q.guarantees.size === 0 && q.limits.size === 0;
}

const lineageCache = new Map<string, readonly string[]>();
/** `a/b/c` → [`a`, `a/b`, `a/b/c`]; cached because it runs on every allocation. */
function ancestorsAndSelf(role: string): readonly string[] {
  let out = lineageCache.get(role);
  if (!out) {
    const parts = role.split('/');
    out = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    lineageCache.set(role, out);
  }
  return out;
}

/**
 * What a role may still take under its limits: limit − consumed (− what this offer already gives), per limited
 * name, floored at zero. Names without a limit stay absent, which `shrinkTo(…, true)` reads as unlimited.
 */
function limitRoom(quota: Quota, consumed: ReadonlyMap<string, number> | undefined, offering?: Resources): Quantities {
  const room = minusQuantities(quota.limits, consumed ?? NO_QUANTITIES);
  if (offering) subtractQuantities(room, offering.quantities());
  for (const n of quota.limits.keys()) if (!room.has(n)) room.set(n, 0);
  return room;
}

const NO_QUANTITIES: ReadonlyMap<string, number> = new Map();

/** Unreserved and reserved scalar quantities of `res`, reusing `all` when nothing is reserved (the hot case). */
function splitByReservation(
  res: Resources,
  all: ReadonlyMap<string, number>,
): [ReadonlyMap<string, number>, ReadonlyMap<string, number>] {
  if (res.entries.every((e) => e.role === UNRESERVED)) return [all, NO_QUANTITIES];
  return [res.unreserved().quantities(), res.reserved().quantities()];
}

const isUnreservedScalar = (r: Resource): boolean => r.kind === 'scalar' && r.role === UNRESERVED;

export class HierarchicalAllocator {
  private readonly agents = new Map<string, AgentState>();
  private readonly frameworks = new Map<string, FrameworkState>();
  private readonly roles = new Map<string, RoleState>();
  private readonly roleSorter: DrfSorter;
  private readonly frameworkSorters = new Map<string, DrfSorter>();
  private readonly filters = new OfferFilters();
  private readonly clock: Pick<Clock, 'now'>;
  private readonly random: () => number;
  private readonly minAllocatable: readonly Quantities[];
  private readonly excluded: readonly string[];
  private readonly filterGpuResources: boolean;
  readonly allocationIntervalMs: number;
  readonly metrics: AllocatorMetrics;
  /** Agents' total reservations and the reserved part currently offered or allocated, cluster-wide. */
  private readonly totalReservations: Quantities = new Map();

  constructor(options: AllocatorOptions) {
    this.clock = options.clock ?? systemTime;
    this.random = options.random;
    this.allocationIntervalMs = options.allocationIntervalMs ?? DEFAULT_ALLOCATION_INTERVAL_MS;
    this.minAllocatable = options.minAllocatableResources ?? DEFAULT_MIN_ALLOCATABLE;
    this.excluded = options.fairnessExcludedResourceNames ?? [];
    this.filterGpuResources = options.filterGpuResources ?? true;
    this.roleSorter = new DrfSorter({ fairnessExcludedResourceNames: this.excluded });
    this.metrics = new AllocatorMetrics(this.clock);
  }

  // ---- agents ---------------------------------------------------------------------------------------------------

  /**
   * Adds an agent. `used` lists resources already in use on it, per framework and role (an agent re-registering
   * with running tasks); only frameworks already known are tracked, as in Mesos.
   */
  addAgent(id: string, total: Resources, used: Iterable<[framework: string, role: string, Resources]> = []): void {
    if (this.agents.has(id)) throw new AllocatorError(`agent '${id}' already exists`);
    const agent: AgentState = {
      id,
      total,
      available: total,
      offeredOrAllocated: new Map(),
      activated: true,
      hasGpus: total.scalarMilli('gpus') > 0,
      allocatedUnreserved: new Map(),
    };
    this.agents.set(id, agent);
    const q = total.quantities();
    this.roleSorter.addTotal(q);
    for (const s of this.frameworkSorters.values()) s.addTotal(q);
    this.trackReservations(total, +1);
    for (const [fw, role, res] of used) {
      agent.available = agent.available.minus(res);
      if (this.frameworks.has(fw) && this.frameworks.get(fw)!.roles.has(role)) {
        this.track(agent, fw, role, res);
        this.trackAllocated(agent, role, res.unreserved().quantities(), 1);
      }
    }
  }

  removeAgent(id: string): void {
    const agent = this.agent(id);
    // Copy: trackAllocated empties the agent's own map as it goes.
    for (const [role, q] of [...agent.allocatedUnreserved]) this.trackAllocated(agent, role, new Map(q), -1);
    for (const [fw, byRole] of agent.offeredOrAllocated)
      for (const [role, res] of byRole) this.untrack(agent, fw, role, res, false);
    const q = agent.total.quantities();
    this.roleSorter.removeTotal(q);
    for (const s of this.frameworkSorters.values()) s.removeTotal(q);
    this.trackReservations(agent.total, -1);
    this.agents.delete(id);
    this.filters.clearAgent(id);
  }

  /** Deactivated agents are kept (their allocations too) but not offered. */
  activateAgent(id: string): void {
    this.agent(id).activated = true;
  }

  deactivateAgent(id: string): void {
    this.agent(id).activated = false;
  }

  hasAgent(id: string): boolean {
    return this.agents.has(id);
  }

  // ---- frameworks -----------------------------------------------------------------------------------------------

  addFramework(id: string, roles: Iterable<string>, options: FrameworkOptions = {}): void {
    if (this.frameworks.has(id)) throw new AllocatorError(`framework '${id}' already exists`);
    const fw: FrameworkState = {
      id,
      roles: new Set(roles),
      suppressedRoles: new Set(options.suppressedRoles ?? []),
      capabilities: new Set(options.capabilities ?? []),
      active: options.active ?? true,
    };
    this.frameworks.set(id, fw);
    for (const role of fw.roles) {
      const sorter = this.trackFrameworkUnderRole(id, role);
      if (fw.active && !fw.suppressedRoles.has(role)) sorter.activate(id);
    }
  }

  /** Frees everything the framework holds and forgets it. */
  removeFramework(id: string): void {
    const fw = this.framework(id);
    for (const agent of this.agents.values()) {
      const byRole = agent.offeredOrAllocated.get(id);
      if (!byRole) continue;
      for (const [role, res] of byRole) this.untrack(agent, id, role, res, true);
    }
    for (const role of fw.roles) this.untrackFrameworkUnderRole(id, role);
    this.filters.clearFramework(id);
    this.frameworks.delete(id);
  }

  /** A disconnected framework keeps its allocation but gets no offers; its filters are dropped (as in Mesos). */
  deactivateFramework(id: string): void {
    const fw = this.framework(id);
    fw.active = false;
    for (const role of fw.roles) this.frameworkSorters.get(role)!.deactivate(id);
    this.filters.clearFramework(id);
  }

  activateFramework(id: string): void {
    const fw = this.framework(id);
    fw.active = true;
    for (const role of fw.roles) if (!fw.suppressedRoles.has(role)) this.frameworkSorters.get(role)!.activate(id);
  }

  /** Stops offers to the framework in these roles (all of its roles when none are given). */
  suppress(id: string, roles?: Iterable<string>): void {
    const fw = this.framework(id);
    for (const role of roles ?? fw.roles) {
      this.requireRole(fw, role);
      this.frameworkSorters.get(role)!.deactivate(id);
      fw.suppressedRoles.add(role);
    }
  }

  /** Resumes offers in these roles and clears the framework's filters for them. */
  revive(id: string, roles?: Iterable<string>): void {
    const fw = this.framework(id);
    const list = [...(roles ?? fw.roles)];
    for (const role of list) this.requireRole(fw, role);
    this.filters.clearFramework(id, list);
    for (const role of list) {
      if (fw.active) this.frameworkSorters.get(role)!.activate(id);
      fw.suppressedRoles.delete(role);
    }
  }

  hasFramework(id: string): boolean {
    return this.frameworks.has(id);
  }

  frameworkIds(): string[] {
    return [...this.frameworks.keys()].sort();
  }

  // ---- roles ----------------------------------------------------------------------------------------------------

  updateWeight(role: string, weight: number): void {
    if (!(weight > 0) || !Number.isFinite(weight)) throw new AllocatorError(`weight must be a positive number`);
    this.roleSorter.updateWeight(role, weight);
  }

  weight(role: string): number {
    return this.roleSorter.weight(role);
  }

  /** Sets a top-level role's quota; an empty guarantee and limit restores the default (no quota). */
  updateQuota(role: string, quota: Quota): void {
    if (role.includes('/')) throw new AllocatorError(`quota can only be set on top-level roles, not '${role}'`);
    this.role(role).quota = { guarantees: new Map(quota.guarantees), limits: new Map(quota.limits) };
    this.tryRemoveRole(role);
  }

  quota(role: string): Quota {
    return this.roles.get(role)?.quota ?? DEFAULT_QUOTA;
  }

  // ---- resources coming back ------------------------------------------------------------------------------------

  /**
   * Resources offered to or used by a framework come back (a decline, a rescinded offer, a finished task). With
   * `refuseSeconds`, the framework refuses them for that long (a decline filter, as Mesos creates it).
   * `resources` defaults to everything the framework holds on the agent in that role.
   */
  recover(
    framework: string,
    agentId: string,
    role: string,
    resources?: Resources,
    refuseSeconds?: number,
    /** True when the resources were in use by tasks (see `offeredToAllocated`), not just offered. */
    wasAllocated = false,
  ): void {
    const agent = this.agents.get(agentId);
    const fw = this.frameworks.get(framework);
    // Like Mesos: resources of a removed agent or framework were already recovered.
    if (!agent || !fw) return;
    const held = agent.offeredOrAllocated.get(framework)?.get(role) ?? Resources.EMPTY;
    const back = resources ?? held;
    if (back.isEmpty) return;
    if (!held.contains(back))
      throw new AllocatorError(
        `framework '${framework}' does not hold ${back.toString()} in role '${role}' on agent '${agentId}'`,
      );
    if (wasAllocated) this.trackAllocated(agent, role, back.unreserved().quantities(), -1);
    this.untrack(agent, framework, role, back, true);
    if (refuseSeconds === undefined) return;
    let seconds = refuseSeconds;
    if (!(seconds >= 0)) seconds = DEFAULT_REFUSE_SECONDS;
    if (seconds > MAX_REFUSE_SECONDS) seconds = MAX_REFUSE_SECONDS;
    if (seconds === 0) return;
    // A filter lives at least one allocation interval so it survives until the next batch run (MESOS-4302).
    const refuseMs = seconds * 1000;
    const timeoutMs = Math.max(this.allocationIntervalMs, refuseMs);
    this.filters.add(framework, role, agentId, {
      resources: back,
      expiresAt: this.clock.now() + timeoutMs,
      holdsAtExpiry: refuseMs <= this.allocationIntervalMs,
    });
  }

  /**
   * Offered resources became used by tasks (the framework accepted the offer). They were already counted as offered;
   * this moves them into quota consumption, which Mesos charges for allocations but not for offers.
   */
  offeredToAllocated(agentId: string, role: string, resources: Resources): void {
    this.trackAllocated(this.agent(agentId), role, resources.unreserved().quantities(), 1);
  }

  /** What a framework holds on an agent, per role. */
  held(framework: string, agentId: string): ReadonlyMap<string, Resources> {
    return this.agents.get(agentId)?.offeredOrAllocated.get(framework) ?? new Map();
  }

  // ---- the allocation cycle -------------------------------------------------------------------------------------

  /** Runs one allocation cycle over the given agents (all agents by default) and returns the offers made. */
  allocate(candidates?: Iterable<string>): Offer[] {
    const started = performance.now();
    const span = startSpan('allocator.allocation_cycle');
    this.filters.expire(this.clock.now(), true);
    const agentIds: string[] = [];
    for (const id of candidates ?? this.agents.keys()) {
      const a = this.agents.get(id);
      if (a && a.activated) agentIds.push(id);
    }
    shuffle(agentIds, this.random);

    const offerable = new Map<string, Map<string, Map<string, Resources>>>();
    const addOffer = (fw: string, role: string, agent: string, res: Resources): void => {
      let byRole = offerable.get(fw);
      if (!byRole) offerable.set(fw, (byRole = new Map()));
      let byAgent = byRole.get(role);
      if (!byAgent) byRole.set(role, (byAgent = new Map()));
      byAgent.set(agent, (byAgent.get(agent) ?? Resources.EMPTY).plus(res));
    };

    // Quota consumed by top-level roles with quota: reservations plus unreserved offered-or-allocated.
    const consumed = new Map<string, Quantities>();
    const requiredHeadroom: Quantities = new Map();
    let anyGuarantee = false;
    for (const [name, r] of this.roles) {
      if (name.includes('/') || isDefaultQuota(r.quota)) continue;
      const c = new Map(r.reservations);
      addQuantities(c, r.offeredOrAllocatedUnreserved);
      consumed.set(name, c);
      addQuantities(requiredHeadroom, minusQuantities(r.quota.guarantees, c));
      if (r.quota.guarantees.size > 0) anyGuarantee = true;
    }
    const chargeQuota = (role: string, q: ReadonlyMap<string, number>): void => {
      for (const r of ancestorsAndSelf(role)) {
        let c = consumed.get(r);
        if (!c) consumed.set(r, (c = new Map()));
        addQuantities(c, q);
      }
    };

    // Unallocated, unreserved resources: what headroom can be drawn from.
    const availableHeadroom = new Map(this.roleSorter.totalQuantities());
    subtractQuantities(availableHeadroom, this.roleSorter.allocationQuantities());
    const unallocatedReservations = new Map(this.totalReservations);
    for (const [name, r] of this.roles)
      if (!name.includes('/')) subtractQuantities(unallocatedReservations, r.offeredOrAllocatedReserved);
    subtractQuantities(availableHeadroom, unallocatedReservations);

    // Stage 1: quota guarantees.
    if (anyGuarantee) {
      for (const agentId of agentIds) {
        const agent = this.agents.get(agentId)!;
        for (const role of this.roleSorter.sort()) {
          const state = this.roles.get(role);
          const quota = state?.quota ?? DEFAULT_QUOTA;
          if (quota.guarantees.size === 0) continue;
          if (!state || state.frameworks.size === 0) continue;
          if (agent.available.isEmpty) break;
          const unsatisfied = minusQuantities(quota.guarantees, consumed.get(role) ?? new Map());
          if (unsatisfied.size === 0) continue;

          const available = agent.available.allocatableTo(role);
          if (available.isEmpty || !this.allocatable(available)) continue;
          const quotaResources = available.filter(isUnreservedScalar);
          const guaranteesOffering = quotaResources.shrinkTo(unsatisfied);
          if (guaranteesOffering.isEmpty) continue;
          let additional = quotaResources.minus(guaranteesOffering);
          if (quota.limits.size > 0)
            additional = additional.shrinkTo(limitRoom(quota, consumed.get(role), guaranteesOffering), true);
          if (requiredHeadroom.size > 0 && !additional.isEmpty)
            additional = additional.shrinkTo(minusQuantities(availableHeadroom, requiredHeadroom));
          const toOffer = guaranteesOffering
            .plus(available.filter((r) => r.role === role || r.kind !== 'scalar'))
            .plus(additional);
          if (!this.allocatable(toOffer)) continue;

          const chosen = this.firstUnfiltered(role, agent, toOffer);
          if (chosen === undefined) continue;
          addOffer(chosen, role, agentId, toOffer);
          const increase = guaranteesOffering.plus(additional).quantities();
          chargeQuota(role, increase);
          subtractQuantities(requiredHeadroom, guaranteesOffering.quantities());
          subtractQuantities(availableHeadroom, increase);
          agent.available = agent.available.minus(toOffer);
          this.track(agent, chosen, role, toOffer);
        }
      }
      // Spread the first stage's bias towards the front of the list.
      shuffle(agentIds, this.random);
    }

    // Stage 2: fair sharing of everything else.
    for (const agentId of agentIds) {
      const agent = this.agents.get(agentId)!;
      if (agent.available.isEmpty) continue;
      const roleOrder = this.roleSorter.sort();
      for (const role of roleOrder) {
        if (agent.available.isEmpty) break;
        const quota = this.quota(role);
        const available = agent.available.allocatableTo(role);
        if (available.isEmpty || !this.allocatable(available)) continue;
        let additional = available.filter(isUnreservedScalar);
        const unshrunk = additional;
        if (quota.limits.size > 0) additional = additional.shrinkTo(limitRoom(quota, consumed.get(role)), true);
        if (requiredHeadroom.size > 0 && !additional.isEmpty)
          additional = additional.shrinkTo(minusQuantities(availableHeadroom, requiredHeadroom));
        // Nothing held back (the common case): the offer is simply everything available to the role.
        const toOffer =
          additional === unshrunk
            ? available
            : available.filter((r) => r.role !== UNRESERVED || r.kind !== 'scalar').plus(additional);
        if (!this.allocatable(toOffer)) continue;

        const chosen = this.firstUnfiltered(role, agent, toOffer);
        if (chosen === undefined) continue;
        addOffer(chosen, role, agentId, toOffer);
        const increase = additional.quantities();
        if (!isDefaultQuota(quota)) chargeQuota(role, increase);
        subtractQuantities(availableHeadroom, increase);
        agent.available = agent.available.minus(toOffer);
        this.track(agent, chosen, role, toOffer);
      }
    }

    const offers: Offer[] = [];
    for (const fw of [...offerable.keys()].sort())
      for (const [role, byAgent] of [...offerable.get(fw)!].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        for (const agent of [...byAgent.keys()].sort())
          offers.push({ framework: fw, agent, role, resources: byAgent.get(agent)! });
    this.filters.expire(this.clock.now());
    this.metrics.recordRun(performance.now() - started);
    endSpan(span, { 'allocator.agents': agentIds.length, 'allocator.frameworks': this.frameworks.size, 'allocator.offers': offers.length });
    return offers;
  }

  /**
   * The first framework of the role, in DRF order, that may take `toOffer` on this agent. Within one role and
   * stage, the first taker gets everything it can, so later frameworks would get nothing: stopping here matches
   * Mesos's full walk while costing only the frameworks filtered on this agent.
   */
  private firstUnfiltered(role: string, agent: AgentState, toOffer: Resources): string | undefined {
    let chosen: string | undefined;
    this.frameworkSorters.get(role)!.forEachActive((fwId) => {
      if (agent.hasGpus && this.filterGpuResources && !this.frameworks.get(fwId)!.capabilities.has('GPU_RESOURCES'))
        return true;
      if (this.filters.isFiltered(fwId, role, agent.id, toOffer)) return true;
      chosen = fwId;
      return false;
    });
    return chosen;
  }

  private allocatable(resources: Resources): boolean {
    if (resources.isEmpty) return false;
    if (this.minAllocatable.length === 0) return true;
    return this.minAllocatable.some((q) => resources.containsQuantities(q));
  }

  // ---- bookkeeping ----------------------------------------------------------------------------------------------

  private track(agent: AgentState, fw: string, role: string, res: Resources): void {
    let byRole = agent.offeredOrAllocated.get(fw);
    if (!byRole) agent.offeredOrAllocated.set(fw, (byRole = new Map()));
    byRole.set(role, (byRole.get(role) ?? Resources.EMPTY).plus(res));
    const q = res.quantities();
    if (q.size === 0) return;
    this.roleSorter.allocated(role, q);
    this.frameworkSorters.get(role)!.allocated(fw, q);
    const [unreserved, reserved] = splitByReservation(res, q);
    for (const r of ancestorsAndSelf(role)) {
      const s = this.role(r);
      addQuantities(s.offeredOrAllocatedUnreserved, unreserved);
      addQuantities(s.offeredOrAllocatedReserved, reserved);
    }
  }

  /** Returns resources to the agent and the sorters. `releaseRole` lets an emptied role be forgotten. */
  private untrack(agent: AgentState, fw: string, role: string, res: Resources, releaseRole: boolean): void {
    const byRole = agent.offeredOrAllocated.get(fw)!;
    const left = byRole.get(role)!.minus(res);
    if (left.isEmpty) byRole.delete(role);
    else byRole.set(role, left);
    if (byRole.size === 0) agent.offeredOrAllocated.delete(fw);
    agent.available = agent.available.plus(res);
    const q = res.quantities();
    if (q.size > 0) {
      this.roleSorter.unallocated(role, q);
      this.frameworkSorters.get(role)!.unallocated(fw, q);
      const [unreserved, reserved] = splitByReservation(res, q);
      for (const r of ancestorsAndSelf(role)) {
        const s = this.roles.get(r)!;
        subtractQuantities(s.offeredOrAllocatedUnreserved, unreserved);
        subtractQuantities(s.offeredOrAllocatedReserved, reserved);
      }
    }
    if (releaseRole) {
      const f = this.frameworks.get(fw);
      // A framework that left a role keeps being tracked under it until its allocation there is gone.
      if (f && !f.roles.has(role)) this.untrackFrameworkUnderRole(fw, role);
    }
  }

  private trackAllocated(agent: AgentState, role: string, q: ReadonlyMap<string, number>, sign: 1 | -1): void {
    if (q.size === 0) return;
    let onAgent = agent.allocatedUnreserved.get(role);
    if (!onAgent) agent.allocatedUnreserved.set(role, (onAgent = new Map()));
    if (sign > 0) addQuantities(onAgent, q);
    else subtractQuantities(onAgent, q);
    if (onAgent.size === 0) agent.allocatedUnreserved.delete(role);
    for (const r of ancestorsAndSelf(role)) {
      const s = this.role(r);
      if (sign > 0) addQuantities(s.allocatedUnreserved, q);
      else subtractQuantities(s.allocatedUnreserved, q);
    }
  }

  private trackReservations(total: Resources, sign: 1 | -1): void {
    for (const e of total.reserved().entries) {
      if (e.kind !== 'scalar') continue;
      const q = new Map([[e.name, e.milli]]);
      if (sign > 0) addQuantities(this.totalReservations, q);
      else subtractQuantities(this.totalReservations, q);
      for (const r of ancestorsAndSelf(e.role)) {
        if (sign > 0) addQuantities(this.role(r).reservations, q);
        else {
          subtractQuantities(this.role(r).reservations, q);
          this.tryRemoveRole(r);
        }
      }
    }
  }

  private trackFrameworkUnderRole(fw: string, role: string): DrfSorter {
    const state = this.role(role);
    let sorter = this.frameworkSorters.get(role);
    if (!sorter) {
      this.roleSorter.add(role);
      this.roleSorter.activate(role);
      sorter = new DrfSorter({ fairnessExcludedResourceNames: this.excluded });
      // Framework shares are computed against the whole cluster, as in Mesos.
      for (const a of this.agents.values()) sorter.addTotal(a.total.quantities());
      this.frameworkSorters.set(role, sorter);
    }
    state.frameworks.add(fw);
    sorter.add(fw);
    return sorter;
  }

  private untrackFrameworkUnderRole(fw: string, role: string): void {
    const sorter = this.frameworkSorters.get(role);
    if (!sorter || !sorter.contains(fw)) return;
    if (sorter.allocation(fw).size > 0) return;
    sorter.remove(fw);
    const state = this.roles.get(role)!;
    state.frameworks.delete(fw);
    if (state.frameworks.size === 0) {
      this.roleSorter.remove(role);
      this.frameworkSorters.delete(role);
    }
    for (const r of [...ancestorsAndSelf(role)].reverse()) this.tryRemoveRole(r);
  }

  private role(name: string): RoleState {
    let r = this.roles.get(name);
    if (!r)
      this.roles.set(
        name,
        (r = {
          frameworks: new Set(),
          quota: DEFAULT_QUOTA,
          reservations: new Map(),
          offeredOrAllocatedUnreserved: new Map(),
          offeredOrAllocatedReserved: new Map(),
          allocatedUnreserved: new Map(),
        }),
      );
    return r;
  }

  /** Forgets a role once nothing refers to it (no frameworks, quota, reservations or allocations beneath it). */
  private tryRemoveRole(name: string): void {
    const r = this.roles.get(name);
    if (!r) return;
    if (r.frameworks.size > 0 || !isDefaultQuota(r.quota) || r.reservations.size > 0) return;
    if (r.offeredOrAllocatedReserved.size > 0 || r.offeredOrAllocatedUnreserved.size > 0) return;
    if (r.allocatedUnreserved.size > 0) return;
    for (const other of this.roles.keys()) if (other.startsWith(name + '/')) return;
    this.roles.delete(name);
  }

  private agent(id: string): AgentState {
    const a = this.agents.get(id);
    if (!a) throw new AllocatorError(`unknown agent '${id}'`);
    return a;
  }

  private framework(id: string): FrameworkState {
    const f = this.frameworks.get(id);
    if (!f) throw new AllocatorError(`unknown framework '${id}'`);
    return f;
  }

  private requireRole(fw: FrameworkState, role: string): void {
    if (!fw.roles.has(role)) throw new AllocatorError(`framework '${fw.id}' is not subscribed to role '${role}'`);
  }

  // ---- read-only views for metrics and state endpoints ----------------------------------------------------------

  /** Roles in the role sorter with their dominant shares (already divided by weight). */
  roleShares(): Map<string, number> {
    const out = new Map<string, number>();
    for (const role of this.frameworkSorters.keys()) out.set(role, this.roleSorter.share(role));
    return out;
  }

  totalQuantities(): ReadonlyMap<string, number> {
    return this.roleSorter.totalQuantities();
  }

  offeredOrAllocatedQuantities(): Quantities {
    return this.roleSorter.allocationQuantities();
  }

  /** Roles with non-default quota, with what they have offered or allocated (scalars). */
  quotaRoles(): Map<string, { quota: Quota; offeredOrAllocated: ReadonlyMap<string, number> }> {
    const out = new Map<string, { quota: Quota; offeredOrAllocated: ReadonlyMap<string, number> }>();
    for (const [name, r] of this.roles) {
      if (isDefaultQuota(r.quota)) continue;
      const q = this.roleSorter.contains(name) ? this.roleSorter.allocation(name) : new Map<string, number>();
      out.set(name, { quota: r.quota, offeredOrAllocated: q });
    }
    return out;
  }

  /** Active filters for every role the allocator tracks (0 for roles without any), as Mesos's gauges report. */
  /** Quota consumption of every tracked role: its (and its subroles') reservations plus unreserved resources in use. */
  quotaConsumed(): Map<string, Quantities> {
    const out = new Map<string, Quantities>();
    for (const [name, r] of this.roles) {
      const c = new Map(r.reservations);
      addQuantities(c, r.allocatedUnreserved);
      out.set(name, c);
    }
    return out;
  }

  activeFiltersByRole(): Map<string, number> {
    const counts = this.filters.activeByRole();
    const out = new Map<string, number>();
    for (const role of this.roles.keys()) out.set(role, counts.get(role) ?? 0);
    for (const [role, n] of counts) out.set(role, n);
    return out;
  }

  /** Metrics under Mesos's snapshot keys. */
  snapshot(out: Record<string, number> = {}): Record<string, number> {
    return this.metrics.snapshot(this, out);
  }
}
