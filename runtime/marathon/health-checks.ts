/**
 * App health checks (`healthChecks[]` of an app definition), with Marathon's defaults filled in.
 *
 * HTTP/HTTPS/TCP are probed by Marathon itself and COMMAND runs next to the task. The MESOS_* protocols (checks
 * Mesos runs on the agent) are accepted and printed back as given; with no separate agent-side prober here they
 * behave as their plain counterparts (see healthCheckKind).
 */
import type { ValidationErrors } from './validation-errors.ts';
import { FieldReader, JsonErrors, optionalField, readObject, readString } from './json-readers.ts';
import { keyPath } from './validation-errors.ts';

export const HEALTH_CHECK_PROTOCOLS = [
  'HTTP',
  'HTTPS',
  'TCP',
  'COMMAND',
  'MESOS_HTTP',
  'MESOS_HTTPS',
  'MESOS_TCP',
] as const;
export type HealthCheckProtocol = (typeof HEALTH_CHECK_PROTOCOLS)[number];

export const HEALTH_CHECK_DEFAULTS = {
  protocol: 'HTTP',
  path: '/',
  portIndex: 0,
  gracePeriodSeconds: 300,
  intervalSeconds: 60,
  timeoutSeconds: 20,
  maxConsecutiveFailures: 3,
  delaySeconds: 15,
  ignoreHttp1xx: false,
} as const;

export interface HealthCheck {
  readonly protocol: HealthCheckProtocol;
  /** HTTP(S) checks only. */
  readonly path?: string;
  /** Index into the app's port definitions; checks that use a port have either this or `port`. */
  readonly portIndex?: number;
  readonly port?: number;
  /** COMMAND checks only. */
  readonly command?: { readonly value: string };
  readonly gracePeriodSeconds: number;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly maxConsecutiveFailures: number;
  readonly delaySeconds: number;
  /** HTTP/HTTPS (Marathon-run) checks only. */
  readonly ignoreHttp1xx?: boolean;
}

export type HealthCheckKind = 'http' | 'https' | 'tcp' | 'command';

/** How a check is carried out, folding the MESOS_* variants into their plain counterparts. */
export function healthCheckKind(protocol: HealthCheckProtocol): HealthCheckKind {
  switch (protocol) {
    case 'HTTP':
    case 'MESOS_HTTP':
      return 'http';
    case 'HTTPS':
    case 'MESOS_HTTPS':
      return 'https';
    case 'TCP':
    case 'MESOS_TCP':
      return 'tcp';
    case 'COMMAND':
      return 'command';
  }
}

export function usesPort(protocol: HealthCheckProtocol): boolean {
  return protocol !== 'COMMAND';
}

export function isMesosHealthCheck(protocol: HealthCheckProtocol): boolean {
  return protocol.startsWith('MESOS_');
}

export const HealthCheckErrors = {
  portOrPortIndex: 'HealthCheck must specify either a port or a portIndex',
  commandRequired: 'must be defined for protocol COMMAND',
  commandNotAllowed: 'is only allowed for protocol COMMAND',
} as const;

const NON_NEGATIVE_INT = { integer: true, min: 0 } as const;
const PORT = { integer: true, min: 0, max: 65535 } as const;

function readCommand(raw: unknown, path: string, errors: ValidationErrors): { value: string } | undefined {
  const obj = readObject(raw, path, errors);
  if (!obj) return undefined;
  const valuePath = keyPath(path, 'value');
  const rawValue = optionalField(obj, 'value');
  if (rawValue === undefined) {
    errors.add(valuePath, JsonErrors.missing);
    return undefined;
  }
  const value = readString(rawValue, valuePath, errors, { minLength: 1 });
  return value === undefined ? undefined : { value };
}

/** Reads one health check; undefined (with errors recorded) if anything about it is wrong. */
export function readHealthCheck(raw: unknown, path: string, errors: ValidationErrors): HealthCheck | undefined {
  const obj = readObject(raw, path, errors);
  if (!obj) return undefined;
  const fields = new FieldReader(obj, path, errors);
  const defaults = HEALTH_CHECK_DEFAULTS;

  const protocol = fields.enumOf('protocol', HEALTH_CHECK_PROTOCOLS) ?? defaults.protocol;
  const command = fields.get('command', (v, p) => readCommand(v, p, errors));
  const checkPath = fields.string('path');
  const portIndex = fields.number('portIndex', PORT);
  const port = fields.number('port', PORT);
  const ignoreHttp1xx = fields.boolean('ignoreHttp1xx');
  const gracePeriodSeconds = fields.number('gracePeriodSeconds', NON_NEGATIVE_INT) ?? defaults.gracePeriodSeconds;
  const intervalSeconds = fields.number('intervalSeconds', NON_NEGATIVE_INT) ?? defaults.intervalSeconds;
  const timeoutSeconds = fields.number('timeoutSeconds', NON_NEGATIVE_INT) ?? defaults.timeoutSeconds;
  const maxConsecutiveFailures =
    fields.number('maxConsecutiveFailures', NON_NEGATIVE_INT) ?? defaults.maxConsecutiveFailures;
  const delaySeconds = fields.number('delaySeconds', NON_NEGATIVE_INT) ?? defaults.delaySeconds;
  if (fields.hasInvalidField) return undefined;

  const commandPath = keyPath(path, 'command');
  const problems: [path: string, error: string][] = [];
  if (protocol === 'COMMAND' && command === undefined)
    problems.push([commandPath, HealthCheckErrors.commandRequired]);
  if (protocol !== 'COMMAND' && command !== undefined)
    problems.push([commandPath, HealthCheckErrors.commandNotAllowed]);
  if (usesPort(protocol) && port !== undefined && portIndex !== undefined)
    problems.push([path, HealthCheckErrors.portOrPortIndex]);
  // timeoutSeconds may exceed intervalSeconds (public DC/OS apps use 10 and 20, Marathon accepts them): a check
  // never overlaps itself, a probe due while the previous one still waits for its answer is skipped.
  for (const [p, e] of problems) errors.add(p, e);
  if (problems.length > 0) return undefined;

  const kind = healthCheckKind(protocol);
  const isHttp = kind === 'http' || kind === 'https';
  return {
    protocol,
    ...(isHttp ? { path: checkPath ?? defaults.path } : {}),
    ...(usesPort(protocol) ? (port !== undefined ? { port } : { portIndex: portIndex ?? defaults.portIndex }) : {}),
    ...(command !== undefined ? { command } : {}),
    gracePeriodSeconds,
    intervalSeconds,
    timeoutSeconds,
    maxConsecutiveFailures,
    delaySeconds,
    // Only Marathon-run HTTP probes can skip 1xx answers.
    ...(isHttp && !isMesosHealthCheck(protocol) ? { ignoreHttp1xx: ignoreHttp1xx ?? defaults.ignoreHttp1xx } : {}),
  };
}
