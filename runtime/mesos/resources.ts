/**
 * Mesos resources in their text form (`cpus:2;mem:1024;cpus(role1):4;ports:[31000-31010]`).
 *
 * Scalars are kept as integer thousandths ("milli" units): Mesos stores scalars fixed-point with three decimals,
 * so integer arithmetic reproduces its results exactly with no floating drift.
 */

export const UNRESERVED = '*';

export type Range = readonly [begin: number, end: number];

export interface ScalarResource {
  readonly name: string;
  /** `*` when unreserved, otherwise the reservation role. */
  readonly role: string;
  readonly kind: 'scalar';
  /** Thousandths of the unit. */
  readonly milli: number;
}

export interface RangesResource {
  readonly name: string;
  readonly role: string;
  readonly kind: 'ranges';
  /** Sorted, disjoint, non-adjacent inclusive ranges. */
  readonly ranges: readonly Range[];
}

export interface SetResource {
  readonly name: string;
  readonly role: string;
  readonly kind: 'set';
  /** Sorted, unique items. */
  readonly items: readonly string[];
}

export type Resource = ScalarResource | RangesResource | SetResource;

export class ResourceParseError extends Error {}

export function toMilli(value: number): number {
  return Math.round(value * 1000);
}

export function fromMilli(milli: number): number {
  return milli / 1000;
}

/** Prints a milli value the way Mesos prints scalars: up to three decimals, no trailing zeros. */
export function formatMilli(milli: number): string {
  return String(fromMilli(milli));
}

const ROLE_PATTERN = /^[^\s/.][^\s]*$/;

export function isValidRole(role: string): boolean {
  if (role === UNRESERVED) return true;
  if (!ROLE_PATTERN.test(role) || role.endsWith('/')) return false;
  return role.split('/').every((part) => part !== '' && part !== '.' && part !== '..' && part !== '*');
}

/** True if `role` is `ancestor` or lies beneath it in the role hierarchy. */
export function isSelfOrSubrole(role: string, ancestor: string): boolean {
  return role === ancestor || role.startsWith(ancestor + '/');
}

function key(name: string, role: string): string {
  return role === UNRESERVED ? name : `${name}(${role})`;
}

/** Orders entries deterministically: unreserved first, then by role, and within a role by a conventional name order. */
const NAME_ORDER = new Map(['cpus', 'gpus', 'mem', 'disk', 'ports'].map((n, i) => [n, i]));
function compareEntries(a: Resource, b: Resource): number {
  if (a.role !== b.role) {
    if (a.role === UNRESERVED) return -1;
    if (b.role === UNRESERVED) return 1;
    return a.role < b.role ? -1 : 1;
  }
  const na = NAME_ORDER.get(a.name) ?? 99;
  const nb = NAME_ORDER.get(b.name) ?? 99;
  if (na !== nb) return na - nb;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function normalizeRanges(ranges: Range[]): Range[] {
  if (ranges.length <= 1) return ranges;
  const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [b, e] of sorted) {
    const last = out[out.length - 1];
    if (last && b <= last[1] + 1) {
      if (e > last[1]) last[1] = e;
    } else {
      out.push([b, e]);
    }
  }
  return out;
}

/** left minus right, both normalized: one linear sweep. */
function subtractRanges(left: readonly Range[], right: readonly Range[]): Range[] {
  const out: Range[] = [];
  let j = 0;
  for (const [lb, le] of left) {
    let b = lb;
    while (j < right.length && right[j]![1] < b) j++;
    let k = j;
    while (k < right.length && right[k]![0] <= le) {
      const [rb, re] = right[k]!;
      if (rb > b) out.push([b, rb - 1]);
      b = Math.max(b, re + 1);
      if (b > le) break;
      k++;
    }
    if (b <= le) out.push([b, le]);
  }
  return out;
}

function rangesContain(outer: readonly Range[], inner: readonly Range[]): boolean {
  // Both are normalized, so each inner range must sit inside a single outer range.
  let i = 0;
  for (const [b, e] of inner) {
    while (i < outer.length && outer[i]![1] < b) i++;
    const o = outer[i];
    if (!o || o[0] > b || o[1] < e) return false;
  }
  return true;
}

/**
 * An immutable bag of resources, at most one entry per (name, role). Arithmetic returns new instances.
 */
export class Resources {
  static readonly EMPTY = new Resources([]);

  private constructor(readonly entries: readonly Resource[]) {}

  /** Builds from entries that may repeat (name, role); repeated entries are added together. */
  static of(entries: Iterable<Resource>): Resources {
    let r = Resources.EMPTY;
    // Empty resources (a zero scalar, no ranges, no items) are dropped, as Mesos drops them.
    for (const e of entries) if (!isEmptyEntry(e)) r = r.plus(new Resources([e]));
    return r;
  }

  static scalar(name: string, value: number, role: string = UNRESERVED): Resources {
    const milli = toMilli(value);
    return milli > 0 ? new Resources([{ name, role, kind: 'scalar', milli }]) : Resources.EMPTY;
  }

  /** Parses Mesos resource text; throws ResourceParseError naming the bad part. */
  static parse(text: string): Resources {
    const entries: Resource[] = [];
    for (const raw of text.split(';')) {
      const part = raw.trim();
      if (part === '') continue;
      entries.push(parseEntry(part));
    }
    return Resources.of(entries);
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  get(name: string, role: string = UNRESERVED): Resource | undefined {
    for (const e of this.entries) if (e.name === name && e.role === role) return e;
    return undefined;
  }

  /** Sum of a scalar across all roles, in milli units. */
  scalarMilli(name: string): number {
    let m = 0;
    for (const e of this.entries) if (e.kind === 'scalar' && e.name === name) m += e.milli;
    return m;
  }

  plus(other: Resources): Resources {
    if (other.isEmpty) return this;
    if (this.isEmpty) return other;
    const out = [...this.entries];
    for (const o of other.entries) {
      const i = out.findIndex((e) => e.name === o.name && e.role === o.role);
      if (i < 0) {
        out.push(o);
        continue;
      }
      const e = out[i]!;
      if (e.kind !== o.kind) throw new ResourceParseError(`resource '${key(o.name, o.role)}' mixes value types`);
      if (e.kind === 'scalar' && o.kind === 'scalar') out[i] = { ...e, milli: e.milli + o.milli };
      else if (e.kind === 'ranges' && o.kind === 'ranges')
        out[i] = { ...e, ranges: normalizeRanges([...e.ranges, ...o.ranges]) };
      else if (e.kind === 'set' && o.kind === 'set')
        out[i] = { ...e, items: [...new Set([...e.items, ...o.items])].sort() };
    }
    return new Resources(out.sort(compareEntries));
  }

  /** Subtraction; parts of `other` not present here are ignored, empty results dropped. */
  minus(other: Resources): Resources {
    if (other.isEmpty || this.isEmpty) return this;
    const out: Resource[] = [];
    for (const e of this.entries) {
      const o = other.get(e.name, e.role);
      if (!o || o.kind !== e.kind) {
        out.push(e);
        continue;
      }
      if (e.kind === 'scalar' && o.kind === 'scalar') {
        if (e.milli > o.milli) out.push({ ...e, milli: e.milli - o.milli });
      } else if (e.kind === 'ranges' && o.kind === 'ranges') {
        const ranges = subtractRanges(e.ranges, o.ranges);
        if (ranges.length > 0) out.push({ ...e, ranges });
      } else if (e.kind === 'set' && o.kind === 'set') {
        const drop = new Set(o.items);
        const items = e.items.filter((i) => !drop.has(i));
        if (items.length > 0) out.push({ ...e, items });
      }
    }
    return out.length === this.entries.length && out.every((e, i) => e === this.entries[i])
      ? this
      : new Resources(out);
  }

  /** True if every resource in `other` is present here in at least that amount (same name and reservation). */
  contains(other: Resources): boolean {
    for (const o of other.entries) {
      const e = this.get(o.name, o.role);
      if (!e || e.kind !== o.kind) return false;
      if (e.kind === 'scalar' && o.kind === 'scalar') {
        if (e.milli < o.milli) return false;
      } else if (e.kind === 'ranges' && o.kind === 'ranges') {
        if (!rangesContain(e.ranges, o.ranges)) return false;
      } else if (e.kind === 'set' && o.kind === 'set') {
        const have = new Set(e.items);
        if (!o.items.every((i) => have.has(i))) return false;
      }
    }
    return true;
  }

  /** True if the scalar quantities here cover `quantities` (reservations ignored), as Mesos's contains(ResourceQuantities). */
  containsQuantities(quantities: ReadonlyMap<string, number>): boolean {
    for (const [name, milli] of quantities) {
      if (this.scalarMilli(name) < milli) return false;
    }
    return true;
  }

  equals(other: Resources): boolean {
    return this.contains(other) && other.contains(this);
  }

  filter(pred: (r: Resource) => boolean): Resources {
    const out = this.entries.filter(pred);
    return out.length === this.entries.length ? this : new Resources(out);
  }

  unreserved(): Resources {
    return this.filter((r) => r.role === UNRESERVED);
  }

  reserved(role?: string): Resources {
    return this.filter((r) => r.role !== UNRESERVED && (role === undefined || r.role === role));
  }

  scalars(): Resources {
    return this.filter((r) => r.kind === 'scalar');
  }

  nonScalars(): Resources {
    return this.filter((r) => r.kind !== 'scalar');
  }

  /** Unreserved resources plus those reserved to `role` or one of its ancestors (Mesos's allocatableTo). */
  allocatableTo(role: string): Resources {
    return this.filter((r) => r.role === UNRESERVED || isSelfOrSubrole(role, r.role));
  }

  /** Scalar quantities by name (reservations folded together), in milli units. */
  quantities(): Map<string, number> {
    const q = new Map<string, number>();
    for (const e of this.entries) if (e.kind === 'scalar') q.set(e.name, (q.get(e.name) ?? 0) + e.milli);
    return q;
  }

  /** Each scalar cut down to at most the target quantity for its name; names absent from the target are dropped
   * (for limits, where absence means unlimited, pass `absentMeansUnlimited`). Non-scalars pass through untouched. */
  shrinkTo(target: ReadonlyMap<string, number>, absentMeansUnlimited = false): Resources {
    const left = new Map(target);
    const out: Resource[] = [];
    for (const e of this.entries) {
      if (e.kind !== 'scalar') {
        out.push(e);
        continue;
      }
      const cap = left.get(e.name);
      if (cap === undefined) {
        if (absentMeansUnlimited) out.push(e);
        continue;
      }
      const milli = Math.min(e.milli, cap);
      if (milli > 0) {
        out.push(milli === e.milli ? e : { ...e, milli });
        left.set(e.name, cap - milli);
      }
    }
    return out.length === this.entries.length && out.every((e, i) => e === this.entries[i])
      ? this
      : new Resources(out);
  }

  toString(): string {
    return this.entries.map(formatEntry).join(';');
  }

  toJSON(): string {
    return this.toString();
  }
}

function isEmptyEntry(e: Resource): boolean {
  return e.kind === 'scalar' ? e.milli <= 0 : e.kind === 'ranges' ? e.ranges.length === 0 : e.items.length === 0;
}

function formatEntry(e: Resource): string {
  const k = key(e.name, e.role);
  switch (e.kind) {
    case 'scalar':
      return `${k}:${formatMilli(e.milli)}`;
    case 'ranges':
      return `${k}:[${e.ranges.map(([b, x]) => `${b}-${x}`).join(', ')}]`;
    case 'set':
      return `${k}:{${e.items.join(', ')}}`;
  }
}

const ENTRY_PATTERN = /^([A-Za-z0-9_.\-/]+)\s*(?:\(\s*([^()]*?)\s*\))?\s*:\s*(.+)$/;
const NUMBER_PATTERN = /^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function parseEntry(part: string): Resource {
  const m = ENTRY_PATTERN.exec(part);
  if (!m) throw new ResourceParseError(`bad resource '${part}': expected name[(role)]:value`);
  const name = m[1]!;
  const role = m[2] === undefined || m[2] === '' ? UNRESERVED : m[2];
  if (!isValidRole(role)) throw new ResourceParseError(`bad resource '${part}': invalid role '${role}'`);
  const value = m[3]!.trim();
  if (value.startsWith('[')) {
    if (!value.endsWith(']')) throw new ResourceParseError(`bad resource '${part}': unterminated range list`);
    const body = value.slice(1, -1).trim();
    const ranges: Range[] = [];
    for (const r of body === '' ? [] : body.split(',')) {
      const rm = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(r);
      if (!rm) throw new ResourceParseError(`bad resource '${part}': bad range '${r.trim()}'`);
      const b = Number(rm[1]);
      const e = Number(rm[2]);
      if (e < b) throw new ResourceParseError(`bad resource '${part}': range '${r.trim()}' ends before it begins`);
      ranges.push([b, e]);
    }
    return { name, role, kind: 'ranges', ranges: normalizeRanges(ranges) };
  }
  if (value.startsWith('{')) {
    if (!value.endsWith('}')) throw new ResourceParseError(`bad resource '${part}': unterminated set`);
    const items = value
      .slice(1, -1)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    return { name, role, kind: 'set', items: [...new Set(items)].sort() };
  }
  if (!NUMBER_PATTERN.test(value)) throw new ResourceParseError(`bad resource '${part}': '${value}' is not a number`);
  const n = Number(value);
  if (!Number.isFinite(n)) throw new ResourceParseError(`bad resource '${part}': value out of range`);
  return { name, role, kind: 'scalar', milli: toMilli(n) };
}

/** Scalar quantities (name → milli) with the clamped arithmetic Mesos's ResourceQuantities uses. */
export type Quantities = Map<string, number>;

export function addQuantities(into: Quantities, add: ReadonlyMap<string, number>): void {
  for (const [n, m] of add) into.set(n, (into.get(n) ?? 0) + m);
}

/** Subtracts in place, clamping at zero and dropping names that reach zero. */
export function subtractQuantities(from: Quantities, sub: ReadonlyMap<string, number>): void {
  for (const [n, m] of sub) {
    const v = (from.get(n) ?? 0) - m;
    if (v > 0) from.set(n, v);
    else from.delete(n);
  }
}

export function minusQuantities(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): Quantities {
  const out = new Map(a);
  subtractQuantities(out, b);
  return out;
}

/** Parses `cpus:0.01;mem:32` style quantities (scalars only, no reservations). */
export function parseQuantities(text: string): Quantities {
  const r = Resources.parse(text);
  for (const e of r.entries) {
    if (e.kind !== 'scalar') throw new ResourceParseError(`'${e.name}' is not a scalar quantity`);
    if (e.role !== UNRESERVED) throw new ResourceParseError(`quantity '${e.name}' cannot carry a role`);
  }
  return r.quantities();
}

export function formatQuantities(q: ReadonlyMap<string, number>): string {
  return [...q]
    .filter(([, m]) => m > 0)
    .map(([n, m]) => `${n}:${formatMilli(m)}`)
    .join(';');
}

/** Parses `--min_allocatable_resources`: `|` separates alternatives, each a `;` list of quantities. */
export function parseMinAllocatable(text: string): Quantities[] {
  return text
    .split('|')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(parseQuantities);
}
