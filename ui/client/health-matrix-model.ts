/**
 * The components page's unit × node matrix, rebuilt from each update's per-unit node lists and diffed against the
 * last one: a row whose cells did not change is the same object as before, so the memoised row component skips it
 * and an update re-renders only the rows that changed (with 1,000 nodes × 30 units, a handful, not 30,000 cells).
 */
import type { HealthNode, HealthUnit } from './cluster-types.ts';

/** A cell of a unit that does not run on the node. */
export const ABSENT = 255;

export interface MatrixRow {
  ip: string;
  role: string;
  /** Health per unit, in the order of `Matrix.units`; ABSENT where the unit is not on the node. */
  cells: Uint8Array;
  /** The node's worst unit health (0 when all are healthy). */
  worst: number;
}

export interface Matrix {
  units: readonly HealthUnit[];
  /** The units' ids, the same array while they are the same: what the rows depend on (not the units' health). */
  unitIds: readonly string[];
  rows: readonly MatrixRow[];
}

export interface MatrixUpdate {
  matrix: Matrix;
  /** Rows that are new objects (changed or new nodes). */
  changedRows: number;
}

export function updateMatrix(previous: Matrix | undefined, units: readonly HealthUnit[], nodesPerUnit: readonly (readonly HealthNode[])[]): MatrixUpdate {
  const sameUnits = previous !== undefined && previous.units.length === units.length && previous.units.every((u, i) => u.id === units[i]!.id);
  const cellsByIp = new Map<string, { role: string; cells: Uint8Array }>();
  nodesPerUnit.forEach((nodes, unitIndex) => {
    for (const node of nodes) {
      let entry = cellsByIp.get(node.host_ip);
      if (entry === undefined) {
        entry = { role: node.role, cells: new Uint8Array(units.length).fill(ABSENT) };
        cellsByIp.set(node.host_ip, entry);
      }
      entry.cells[unitIndex] = Math.min(node.health, ABSENT - 1);
    }
  });
  const before = new Map((sameUnits ? previous.rows : []).map((r) => [r.ip, r]));
  let changedRows = 0;
  const rows: MatrixRow[] = [];
  for (const ip of [...cellsByIp.keys()].sort(compareIps)) {
    const { role, cells } = cellsByIp.get(ip)!;
    const old = before.get(ip);
    if (old !== undefined && old.role === role && sameCells(old.cells, cells)) rows.push(old);
    else {
      rows.push({ ip, role, cells, worst: worstOf(cells) });
      changedRows++;
    }
  }
  // The units' metadata (worst health over nodes) may change with unchanged ids: keep the old array only if equal.
  const keptUnits = sameUnits && previous.units.every((u, i) => u.health === units[i]!.health) ? previous.units : units;
  const unitIds = sameUnits ? previous.unitIds : units.map((u) => u.id);
  return { matrix: { units: keptUnits, unitIds, rows }, changedRows };
}

function sameCells(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function worstOf(cells: Uint8Array): number {
  let worst = 0;
  for (const c of cells) if (c !== ABSENT && c > worst) worst = c;
  return worst;
}

/** Dotted addresses in numeric order, as dcos-diagnostics sorts them. */
export function compareIps(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return a.localeCompare(b);
}
