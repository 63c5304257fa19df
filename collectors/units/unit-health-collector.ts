/**
 * `minidc_unit_health{node,unit}` from a node's units, read through the UnitReader (what dcos-diagnostics reads
 * from systemd). Until diagnostics owns the health model this applies the unit-state part of dcos-diagnostics'
 * rules: unhealthy (1) when the unit is not loaded, not active, or its main process last exited non-zero.
 */
import type { Collector } from '../collector.ts';
import type { Sample } from '../metric.ts';
import { UNIT_HEALTH } from '../catalogue/minidc-entries.ts';
import type { UnitProperties, UnitReader } from '../../runtime/units/unit-reader.ts';

export function unitHealth(p: UnitProperties): 0 | 1 {
  if (p.LoadState !== 'loaded') return 1;
  if (p.ActiveState !== 'active') return 1;
  if (p.ExecMainStatus !== null && p.ExecMainStatus !== 0) return 1;
  return 0;
}

export function unitHealthCollector(options: { node: string; units: UnitReader }): Collector {
  return {
    name: 'units',
    enabledByDefault: true,
    collect(): Sample[] {
      const samples: Sample[] = [];
      for (const unit of options.units.unitNames()) {
        const properties = options.units.properties(unit);
        if (properties === undefined) continue;
        samples.push({ metric: UNIT_HEALTH, labels: { node: options.node, unit }, value: unitHealth(properties) });
      }
      return samples;
    },
  };
}
