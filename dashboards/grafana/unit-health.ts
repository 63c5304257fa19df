/** `minidc_unit_health` (0 healthy, 1 unhealthy, as dcos-diagnostics says it), which several dashboards show. */
import { series, type Selector } from './promql.ts';

/** The health series of the chosen nodes, of the units whose name matches `pattern` (all when none is given). */
export const unitHealth = (pattern?: string): Selector => {
  const health = series('minidc_unit_health').onNode();
  return pattern === undefined ? health : health.where('unit', '=~', pattern);
};

export const HEALTH_TEXT = { '0': { text: 'healthy', color: 'green' }, '1': { text: 'unhealthy', color: 'red' } } as const;
