/** dcos-diagnostics' health codes: 0 healthy, 1 unhealthy, 3 unknown (a node the master could not poll). */
export const HEALTHY = 0;
export const UNHEALTHY = 1;
export const UNKNOWN = 3;

export type Health = typeof HEALTHY | typeof UNHEALTHY | typeof UNKNOWN;
