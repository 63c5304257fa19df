/**
 * Whether one instance of an app fits in what is left of an offer, and if so exactly which resources it takes:
 * scalars from entries of the accepted roles, host ports picked at random from the offered port ranges (or the
 * declared ports with `requirePorts`), as Marathon's ResourceMatcher does. The result can go straight into a
 * TaskLaunch: every piece keeps the reservation role it was offered with.
 */
import { Resources, toMilli, type Range, type Resource } from '../mesos/resources.ts';
import type { RunSpec } from './run-spec.ts';

/** Why an offer was not used for an app (the names Marathon's /v2/queue reports). */
export type NoMatchReason =
  | 'UnfulfilledRole'
  | 'UnfulfilledConstraint'
  | 'InsufficientCpus'
  | 'InsufficientMemory'
  | 'InsufficientDisk'
  | 'InsufficientGpus'
  | 'InsufficientPorts';

export type ResourceMatch =
  | { readonly ok: true; readonly resources: Resources; readonly hostPorts: readonly number[] }
  | { readonly ok: false; readonly reason: NoMatchReason };

const SCALARS: readonly (readonly [name: string, field: 'cpus' | 'mem' | 'disk' | 'gpus', reason: NoMatchReason])[] = [
  ['cpus', 'cpus', 'InsufficientCpus'],
  ['mem', 'mem', 'InsufficientMemory'],
  ['disk', 'disk', 'InsufficientDisk'],
  ['gpus', 'gpus', 'InsufficientGpus'],
];

export function matchResources(
  available: Resources,
  spec: RunSpec,
  acceptedRoles: readonly string[],
  random: () => number,
): ResourceMatch {
  const usable = available.entries.filter((e) => acceptedRoles.includes(e.role));
  if (usable.length === 0) return { ok: false, reason: 'UnfulfilledRole' };
  const taken: Resource[] = [];
  for (const [name, field, reason] of SCALARS) {
    let need = toMilli(spec[field]);
    for (const e of usable) {
      if (need <= 0) break;
      if (e.kind !== 'scalar' || e.name !== name) continue;
      const milli = Math.min(need, e.milli);
      taken.push({ ...e, milli });
      need -= milli;
    }
    if (need > 0) return { ok: false, reason };
  }
  const portPool = usable.filter((e): e is Extract<Resource, { kind: 'ranges' }> => e.kind === 'ranges' && e.name === 'ports');
  const hostPorts: number[] = [];
  const chosen = new Set<number>();
  for (const def of spec.portDefinitions) {
    const found = spec.requirePorts ? findPort(portPool, def.port, chosen) : randomPort(portPool, chosen, random);
    if (found === undefined) return { ok: false, reason: 'InsufficientPorts' };
    chosen.add(found.port);
    hostPorts.push(found.port);
    taken.push({ name: 'ports', role: found.role, kind: 'ranges', ranges: [[found.port, found.port]] });
  }
  return { ok: true, resources: Resources.of(taken), hostPorts };
}

interface PortChoice {
  port: number;
  role: string;
}

function findPort(pool: readonly { role: string; ranges: readonly Range[] }[], port: number, chosen: Set<number>): PortChoice | undefined {
  if (chosen.has(port)) return undefined;
  for (const e of pool) for (const [b, x] of e.ranges) if (port >= b && port <= x) return { port, role: e.role };
  return undefined;
}

/** A uniformly random free port across all ranges, without listing them (a range may hold thousands). */
function randomPort(
  pool: readonly { role: string; ranges: readonly Range[] }[],
  chosen: Set<number>,
  random: () => number,
): PortChoice | undefined {
  const spans: { role: string; begin: number; size: number }[] = [];
  let total = 0;
  for (const e of pool)
    for (const [b, x] of e.ranges) {
      spans.push({ role: e.role, begin: b, size: x - b + 1 });
      total += x - b + 1;
    }
  if (total <= chosen.size) return undefined;
  const start = Math.floor(random() * total) % total;
  // Probe forward from the random start; only ports already chosen for this task are skipped, so this ends fast.
  for (let step = 0; step < total; step++) {
    let k = (start + step) % total;
    for (const s of spans) {
      if (k < s.size) {
        const port = s.begin + k;
        if (!chosen.has(port)) return { port, role: s.role };
        break;
      }
      k -= s.size;
    }
  }
  return undefined;
}
