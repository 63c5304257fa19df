/**
 * The master's health report (`/system/health/v1/report`) as a unit × node table: a row per unit, a column per node
 * (address, role below), each cell that unit's health on that node. Columns that do not fit the width are carried
 * into further blocks that repeat the unit column, so a wide cluster stays readable in a terminal.
 */
import { HEALTHY, UNKNOWN } from '../../diagnostics/health/health-codes.ts';
import type { ClusterReport, ReportNode } from '../../diagnostics/cluster/cluster-report.ts';
import { renderTable, truncateMiddle } from './text-table.ts';

/** Unit names beyond this are shortened in the middle (`dcos-mesos-slav….service`). */
const MAX_UNIT_NAME = 36;

export const MARK = '✗';
export const LEGEND = `ok: healthy (0)   ${MARK} 1: unhealthy   ${MARK} unreachable: node not answering (3)   -: not on the node`;

export interface HealthSummary {
  unhealthyUnits: number;
  /** Nodes with at least one unhealthy unit. */
  unhealthyNodes: number;
  unreachableNodes: number;
  units: number;
  nodes: number;
}

export function summarize(report: ClusterReport): HealthSummary {
  const nodes = Object.values(report.Nodes ?? {});
  const unitIds = Object.keys(report.Units ?? {});
  const unhealthy = new Set<string>();
  for (const node of nodes) for (const u of node.Units ?? []) if (u.Health !== HEALTHY) unhealthy.add(u.UnitName);
  return {
    unhealthyUnits: unhealthy.size,
    unhealthyNodes: nodes.filter((n) => n.Health !== HEALTHY && n.Health !== UNKNOWN).length,
    unreachableNodes: nodes.filter((n) => n.Health === UNKNOWN).length,
    units: unitIds.length,
    nodes: nodes.length,
  };
}

export function summaryLine(s: HealthSummary): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const unreachable = s.unreachableNodes === 0 ? '' : `; ${plural(s.unreachableNodes, 'node')} unreachable`;
  if (s.unhealthyUnits === 0 && s.unreachableNodes === 0) return `all ${plural(s.units, 'unit')} healthy on ${plural(s.nodes, 'node')}`;
  return `${plural(s.unhealthyUnits, 'unhealthy unit')} on ${plural(s.unhealthyNodes, 'node')}${unreachable}`;
}

function cell(node: ReportNode, unitId: string): string {
  if (node.Health === UNKNOWN) return `${MARK} unreachable`;
  const unit = node.Units?.find((u) => u.UnitName === unitId);
  if (unit === undefined) return '-';
  return unit.Health === HEALTHY ? 'ok' : `${MARK} ${unit.Health}`;
}

/** The table (one or more blocks), at most `maxWidth` columns wide where a node column allows it. */
export function healthTable(report: ClusterReport, maxWidth = Infinity): string {
  const nodes = Object.values(report.Nodes ?? {});
  const unitIds = Object.keys(report.Units ?? {}).sort();
  const names = unitIds.map((id) => truncateMiddle(id, MAX_UNIT_NAME));
  const nameWidth = Math.max(4, ...names.map((n) => [...n].length));
  const columns = nodes.map((node) => {
    const cells = [node.IP, node.Role, ...unitIds.map((id) => cell(node, id))];
    return { cells, width: Math.max(...cells.map((c) => [...c].length)) };
  });
  // Fill blocks greedily; a block always takes at least one node, however narrow the terminal.
  const blocks: (typeof columns)[] = [];
  let used = Infinity;
  for (const column of columns) {
    if (used + 2 + column.width > maxWidth || blocks.length === 0) {
      blocks.push([]);
      used = nameWidth;
    }
    blocks.at(-1)!.push(column);
    used += 2 + column.width;
  }
  if (blocks.length === 0) blocks.push([]);
  return blocks
    .map((block) => {
      const rows = [['UNIT', ...block.map((c) => c.cells[0]!)], ['', ...block.map((c) => c.cells[1]!)]];
      names.forEach((name, i) => rows.push([name, ...block.map((c) => c.cells[i + 2]!)]));
      return renderTable(rows);
    })
    .join('\n\n');
}
