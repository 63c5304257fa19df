/**
 * Service ports: a `portDefinitions[].port` of 0 asks Marathon to pick a cluster-wide unique port for the app from
 * its local port range (Marathon's `--local_port_min/max`, 10000–20000). Load balancers such as marathon-lb listen
 * on these; with `requirePorts` they are also the host ports the tasks bind.
 */
import type { PortDefinition } from './port-definitions.ts';
import { RANDOM_PORT } from './port-definitions.ts';
import type { RunSpec } from './run-spec.ts';

export interface ServicePortRange {
  readonly min: number;
  readonly max: number;
}

export const DEFAULT_SERVICE_PORT_RANGE: ServicePortRange = { min: 10000, max: 20000 };

export class ServicePortsExhaustedError extends Error {}

/**
 * Returns `spec` with every port 0 replaced: by the port the previous version had at that index when it is still
 * free, else by the lowest free port of the range. `taken` holds the service ports of every other app.
 */
export function assignServicePorts(
  spec: RunSpec,
  previous: RunSpec | undefined,
  taken: ReadonlySet<number>,
  range: ServicePortRange = DEFAULT_SERVICE_PORT_RANGE,
): RunSpec {
  if (!spec.portDefinitions.some((d) => d.port === RANDOM_PORT)) return spec;
  const used = new Set(taken);
  for (const d of spec.portDefinitions) if (d.port !== RANDOM_PORT) used.add(d.port);
  let next = range.min;
  const pick = (): number => {
    while (next <= range.max && used.has(next)) next++;
    if (next > range.max) throw new ServicePortsExhaustedError('All service ports are in use');
    used.add(next);
    return next;
  };
  const definitions: PortDefinition[] = spec.portDefinitions.map((d, i) => {
    if (d.port !== RANDOM_PORT) return d;
    const before = previous?.portDefinitions[i]?.port;
    if (before !== undefined && before !== RANDOM_PORT && !used.has(before)) {
      used.add(before);
      return Object.freeze({ ...d, port: before });
    }
    return Object.freeze({ ...d, port: pick() });
  });
  return Object.freeze({ ...spec, portDefinitions: Object.freeze(definitions) });
}
