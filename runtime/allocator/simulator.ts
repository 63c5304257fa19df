/**
 * The allocation simulator behind `minidc allocator simulate`: replays a scenario of cluster events against the
 * hierarchical allocator on a simulated clock and emits one JSON object per `allocate` and `metrics` event.
 */
import { parseDuration } from '../time/duration.ts';
import {
  AllocatorError,
  DEFAULT_MIN_ALLOCATABLE,
  HierarchicalAllocator,
  type Offer,
} from './hierarchical-allocator.ts';
import { parseMinAllocatable, parseQuantities, Resources, isValidRole } from '../mesos/resources.ts';
import { seededRandom } from './seeded-random.ts';

export class ScenarioError extends Error {
  constructor(
    message: string,
    /** Index of the offending event, when the problem is in one. */
    readonly event?: number,
  ) {
    super(event === undefined ? message : `event ${event}: ${message}`);
  }
}

export type SimulatorOutput =
  | { event: number; offers: { framework: string; agent: string; role: string; resources: string }[] }
  | { event: number; metrics: Record<string, number> };

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Field readers that turn bad input into a message naming the field. */
class EventReader {
  constructor(private readonly e: Json) {}

  id(field: string): string {
    const v = this.e[field];
    if (typeof v !== 'string' || v === '') throw new Error(`'${field}' must be a non-empty string`);
    return v;
  }

  optionalId(field: string): string | undefined {
    return this.e[field] === undefined ? undefined : this.id(field);
  }

  role(field: string): string {
    const r = this.id(field);
    if (!isValidRole(r) || r === '*') throw new Error(`'${field}' is not a valid role: '${r}'`);
    return r;
  }

  roles(field: string): string[] {
    const v = this.e[field];
    if (!Array.isArray(v) || v.length === 0) throw new Error(`'${field}' must be a non-empty array of roles`);
    return v.map((r, i) => {
      if (typeof r !== 'string' || !isValidRole(r)) throw new Error(`'${field}[${i}]' is not a valid role`);
      return r;
    });
  }

  optionalStrings(field: string): string[] | undefined {
    const v = this.e[field];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string'))
      throw new Error(`'${field}' must be an array of strings`);
    return v as string[];
  }

  resources(field: string): Resources {
    const v = this.e[field];
    if (typeof v !== 'string') throw new Error(`'${field}' must be resource text such as "cpus:2;mem:1024"`);
    return Resources.parse(v);
  }

  optionalResources(field: string): Resources | undefined {
    return this.e[field] === undefined ? undefined : this.resources(field);
  }

  number(field: string, min = 0): number {
    const v = this.e[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
      throw new Error(`'${field}' must be a number${min === 0 ? ' >= 0' : ''}`);
    return v;
  }

  optionalNumber(field: string): number | undefined {
    const v = this.e[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`'${field}' must be a number`);
    return v;
  }
}

export interface SimulatorFlags {
  allocationIntervalMs: number;
  minAllocatable: ReturnType<typeof parseMinAllocatable>;
  fairnessExcluded: string[];
  filterGpuResources: boolean;
}

function readFlags(raw: unknown): SimulatorFlags {
  const flags: SimulatorFlags = {
    allocationIntervalMs: 1000,
    minAllocatable: [...DEFAULT_MIN_ALLOCATABLE],
    fairnessExcluded: [],
    filterGpuResources: true,
  };
  if (raw === undefined) return flags;
  if (!isObject(raw)) throw new ScenarioError(`'flags' must be an object`);
  for (const [k, v] of Object.entries(raw)) {
    try {
      switch (k) {
        case 'allocation_interval':
          if (typeof v !== 'string') throw new Error(`must be a duration string such as "1secs"`);
          flags.allocationIntervalMs = parseDuration(v);
          break;
        case 'min_allocatable_resources':
          if (typeof v !== 'string') throw new Error(`must be text such as "cpus:0.01|mem:32"`);
          flags.minAllocatable = parseMinAllocatable(v);
          break;
        case 'fair_sharing_excluded_resource_names':
          if (typeof v !== 'string') throw new Error(`must be a comma-separated list`);
          flags.fairnessExcluded = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
          break;
        case 'filter_gpu_resources':
          if (typeof v !== 'boolean') throw new Error(`must be true or false`);
          flags.filterGpuResources = v;
          break;
        default:
          throw new Error(`unknown flag`);
      }
    } catch (err) {
      throw new ScenarioError(`flag '${k}': ${(err as Error).message}`);
    }
  }
  return flags;
}

/** Parses scenario text; throws ScenarioError for bad JSON or a bad top-level shape. */
export function parseScenario(text: string): Json {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(`scenario is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(doc)) throw new ScenarioError(`scenario must be a JSON object with an "events" array`);
  if (!Array.isArray(doc.events)) throw new ScenarioError(`scenario needs an "events" array`);
  if (doc.seed !== undefined && (typeof doc.seed !== 'number' || !Number.isInteger(doc.seed)))
    throw new ScenarioError(`'seed' must be an integer`);
  return doc;
}

/** Mesos's snapshot is a sorted map; keep the same order so outputs diff cleanly. */
function sortedKeys(m: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function formatOffers(offers: Offer[]) {
  return offers.map((o) => ({ framework: o.framework, agent: o.agent, role: o.role, resources: o.resources.toString() }));
}

/**
 * Runs a parsed scenario, calling `emit` for each output as it is produced. Stops at the first bad event with a
 * ScenarioError naming it, so nothing is emitted for later events.
 */
export function runScenario(doc: Json, emit: (out: SimulatorOutput) => void): void {
  const flags = readFlags(doc.flags);
  let now = 0;
  const allocator = new HierarchicalAllocator({
    clock: { now: () => now },
    random: seededRandom(typeof doc.seed === 'number' ? doc.seed : 0),
    allocationIntervalMs: flags.allocationIntervalMs,
    minAllocatableResources: flags.minAllocatable,
    fairnessExcludedResourceNames: flags.fairnessExcluded,
    filterGpuResources: flags.filterGpuResources,
  });
  const events = doc.events as unknown[];

  const requireAgent = (id: string) => {
    if (!allocator.hasAgent(id)) throw new Error(`unknown agent '${id}'`);
  };
  const requireFramework = (id: string) => {
    if (!allocator.hasFramework(id)) throw new Error(`unknown framework '${id}'`);
  };

  for (let i = 0; i < events.length; i++) {
    const raw = events[i];
    try {
      if (!isObject(raw)) throw new Error(`must be an object with an "op"`);
      const e = new EventReader(raw);
      switch (raw.op) {
        case 'add_agent': {
          const id = e.id('agent');
          if (allocator.hasAgent(id)) throw new Error(`agent '${id}' already exists`);
          allocator.addAgent(id, e.resources('resources'));
          break;
        }
        case 'remove_agent': {
          const id = e.id('agent');
          requireAgent(id);
          allocator.removeAgent(id);
          break;
        }
        case 'add_framework': {
          const id = e.id('framework');
          if (allocator.hasFramework(id)) throw new Error(`framework '${id}' already exists`);
          allocator.addFramework(id, e.roles('roles'), {
            capabilities: e.optionalStrings('capabilities'),
            suppressedRoles: e.optionalStrings('suppressed_roles'),
          });
          break;
        }
        case 'remove_framework': {
          const id = e.id('framework');
          requireFramework(id);
          allocator.removeFramework(id);
          break;
        }
        case 'allocate':
          emit({ event: i, offers: formatOffers(allocator.allocate()) });
          break;
        case 'recover':
          recover(allocator, e, requireAgent, requireFramework);
          break;
        case 'advance':
          now += e.number('seconds') * 1000;
          break;
        case 'update_weight': {
          const w = e.number('weight');
          if (w <= 0) throw new Error(`'weight' must be greater than 0`);
          allocator.updateWeight(e.role('role'), w);
          break;
        }
        case 'set_quota': {
          const role = e.role('role');
          const v = raw.guarantee;
          if (typeof v !== 'string') throw new Error(`'guarantee' must be resource text such as "cpus:2;mem:1024"`);
          const guarantees = parseQuantities(v);
          // Mesos's SET_QUOTA (and the /quota endpoint) sets the limit to the guarantee.
          allocator.updateQuota(role, { guarantees, limits: guarantees });
          break;
        }
        case 'suppress': {
          const id = e.id('framework');
          requireFramework(id);
          allocator.suppress(id);
          break;
        }
        case 'revive': {
          const id = e.id('framework');
          requireFramework(id);
          allocator.revive(id);
          break;
        }
        case 'metrics':
          emit({ event: i, metrics: sortedKeys(allocator.snapshot()) });
          break;
        default:
          throw new Error(
            raw.op === undefined ? `missing "op"` : `unknown op ${JSON.stringify(raw.op)}`,
          );
      }
    } catch (err) {
      if (err instanceof ScenarioError) throw err;
      throw new ScenarioError((err as Error).message, i);
    }
  }
}

/** `recover` without a framework returns every framework's share; without resources, all of it. */
function recover(
  allocator: HierarchicalAllocator,
  e: EventReader,
  requireAgent: (id: string) => void,
  requireFramework: (id: string) => void,
): void {
  const agent = e.id('agent');
  requireAgent(agent);
  const framework = e.optionalId('framework');
  if (framework !== undefined) requireFramework(framework);
  const wanted = e.optionalResources('resources');
  const refuse = e.optionalNumber('refuse_seconds');

  const holders: [string, string, Resources][] = [];
  for (const fw of framework !== undefined ? [framework] : allocator.frameworkIds())
    for (const [role, res] of [...allocator.held(fw, agent)].sort(([a], [b]) => (a < b ? -1 : 1)))
      holders.push([fw, role, res]);

  let left = wanted;
  const plan: [string, string, Resources][] = [];
  for (const [fw, role, held] of holders) {
    // Resources are reserved per role, so match reserved parts against the holder's own role.
    const take = left === undefined ? held : takeFrom(held, left);
    if (take.isEmpty) continue;
    plan.push([fw, role, take]);
    if (left !== undefined) left = left.minus(take);
  }
  if (left !== undefined && !left.isEmpty) {
    const who = framework !== undefined ? `framework '${framework}' does` : 'the frameworks do';
    throw new AllocatorError(`${who} not hold ${left.toString()} on agent '${agent}'`);
  }
  for (const [fw, role, res] of plan) allocator.recover(fw, agent, role, res, refuse);
}

/** The part of `wanted` that `held` can give. */
function takeFrom(held: Resources, wanted: Resources): Resources {
  return wanted.minus(wanted.minus(held));
}
