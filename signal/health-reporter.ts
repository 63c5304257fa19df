/**
 * The `health` event: for every unit in the master's health report, on how many nodes it runs and on how many it
 * is unhealthy, as `health-unit-<unit id, dots as dashes>-total` / `-unhealthy`.
 *
 * Counting follows dcos-signal after DCOS-20017: a unit is unhealthy on a node when that node reports it so (its
 * `Output` for the unit is not empty, or its own entry for the unit has a non-zero health) — not, as before the fix,
 * whenever the node has any unhealthy unit.
 */
import type { ClusterReport, ReportNode, ReportUnit } from '../diagnostics/cluster/cluster-report.ts';
import { objectOf, SourceShapeError, type JsonReader, type Reporter } from './reporter.ts';
import { healthReportUrl, type MasterEndpoints } from './signal-sources.ts';

export const unitTotalKey = (unit: string) => `health-unit-${unit.replaceAll('.', '-')}-total`;
export const unitUnhealthyKey = (unit: string) => `health-unit-${unit.replaceAll('.', '-')}-unhealthy`;

const listOf = <T>(value: T[] | undefined): T[] => (Array.isArray(value) ? value : []);

function unhealthyOn(unit: string, copy: ReportNode, report: ClusterReport): boolean {
  const output = copy.Output?.[unit];
  if (typeof output === 'string' && output !== '') return true;
  // The node's own list of its units (the per-unit copies carry none in the report's encoding).
  const own = listOf(report.Nodes?.[copy.IP]?.Units ?? copy.Units);
  return own.some((u) => u.UnitName === unit && u.Health !== 0);
}

export function healthProperties(report: ClusterReport): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [id, unit] of Object.entries(report.Units ?? {})) {
    const name = (unit as ReportUnit).UnitName || id;
    const copies = listOf((unit as ReportUnit).Nodes);
    out[unitTotalKey(name)] = copies.length;
    out[unitUnhealthyKey(name)] = copies.filter((copy) => unhealthyOn(name, copy, report)).length;
  }
  return out;
}

export function healthReporter(endpoints: () => MasterEndpoints): Reporter {
  return {
    event: 'health',
    properties: async (read: JsonReader) => {
      const url = healthReportUrl(endpoints());
      const body = objectOf(await read(url), url, 'a health report');
      const units = body.Units;
      if (units !== null && (typeof units !== 'object' || Array.isArray(units)))
        throw new SourceShapeError(`GET ${url}: not a health report ({Units,Nodes,UpdatedTime})`);
      return healthProperties(body as unknown as ClusterReport);
    },
  };
}
