/**
 * Resources as Mesos's JSON endpoints print them (`model(Resources)`): one key per name, scalars summed over
 * reservations, ranges as "[a-b, c-d]", sets as "{a,b}"; `cpus`, `disk`, `gpus` and `mem` are always present.
 */
import { fromMilli, type Range, type Resources } from '../resources.ts';

export type ResourcesJson = Record<string, number | string>;

const ALWAYS = ['cpus', 'disk', 'gpus', 'mem'] as const;

export function resourcesJson(resources: Resources): ResourcesJson {
  const scalars = new Map<string, number>(ALWAYS.map((n) => [n, 0]));
  const ranges = new Map<string, Range[]>();
  const sets = new Map<string, string[]>();
  for (const e of resources.entries) {
    if (e.kind === 'scalar') scalars.set(e.name, (scalars.get(e.name) ?? 0) + e.milli);
    else if (e.kind === 'ranges') ranges.set(e.name, [...(ranges.get(e.name) ?? []), ...e.ranges]);
    else sets.set(e.name, [...(sets.get(e.name) ?? []), ...e.items]);
  }
  const out: ResourcesJson = {};
  for (const [name, milli] of scalars) out[name] = fromMilli(milli);
  for (const [name, rs] of ranges)
    out[name] = `[${[...rs].sort((a, b) => a[0] - b[0]).map(([b, e]) => `${b}-${e}`).join(', ')}]`;
  for (const [name, items] of sets) out[name] = `{${[...new Set(items)].sort().join(',')}}`;
  return out;
}

/** Resources grouped by reservation role, as `reserved_resources` (role → resources JSON). */
export function reservedResourcesJson(resources: Resources): Record<string, ResourcesJson> {
  const roles = new Set<string>();
  for (const e of resources.entries) if (e.role !== '*') roles.add(e.role);
  const out: Record<string, ResourcesJson> = {};
  for (const role of [...roles].sort()) out[role] = resourcesJson(resources.reserved(role));
  return out;
}

/** Mesos's `*_full` form: the list of Resource protobufs as JSON. */
export function resourcesFullJson(resources: Resources): object[] {
  return resources.entries.map((e) => {
    const base: Record<string, unknown> = { name: e.name, role: e.role };
    if (e.role !== '*') base.reservations = [{ type: 'STATIC', role: e.role }];
    if (e.kind === 'scalar') return { ...base, type: 'SCALAR', scalar: { value: fromMilli(e.milli) } };
    if (e.kind === 'ranges')
      return { ...base, type: 'RANGES', ranges: { range: e.ranges.map(([b, x]) => ({ begin: b, end: x })) } };
    return { ...base, type: 'SET', set: { item: [...e.items] } };
  });
}
