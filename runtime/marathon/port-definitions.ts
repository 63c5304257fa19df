/**
 * The host ports an app asks for: `portDefinitions`, or the legacy `ports` array of numbers that Marathon still
 * accepts but converts (and never prints back). Port 0 asks for a dynamically assigned port; labels carry
 * per-port metadata such as DC/OS VIPs (`{"VIP_0": "/web:80"}`).
 */
import type { ValidationErrors } from './validation-errors.ts';
import { FieldReader, readArray, readNumber, readObject } from './json-readers.ts';
import { ROOT_PATH } from './validation-errors.ts';

export const PORT_PROTOCOLS = ['tcp', 'udp', 'tcp,udp', 'udp,tcp'] as const;
export type PortProtocol = (typeof PORT_PROTOCOLS)[number];

/** Asks for a dynamically assigned port. */
export const RANDOM_PORT = 0;

export interface PortDefinition {
  readonly port: number;
  readonly protocol: PortProtocol;
  readonly name?: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** What an app gets when it says nothing about ports: one dynamic port, named as Marathon names it. */
export const DEFAULT_PORT_DEFINITIONS: readonly PortDefinition[] = [
  { port: RANDOM_PORT, protocol: 'tcp', name: 'default', labels: {} },
];

export const PortErrors = {
  portsNotUnique: 'ports must be unique',
  portsAndDefinitions: 'cannot specify both ports and port definitions',
  definitionPortsNotUnique: 'Ports must be unique.',
  namesNotUnique: 'Port names must be unique.',
} as const;

const PORT_NUMBER = { integer: true, min: 0, max: 65535 } as const;
// Port names end up in environment variables (PORT_<NAME>) and DNS SRV records.
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function readPortDefinition(raw: unknown, path: string, errors: ValidationErrors): PortDefinition | undefined {
  const obj = readObject(raw, path, errors);
  if (!obj) return undefined;
  const fields = new FieldReader(obj, path, errors);
  const port = fields.number('port', PORT_NUMBER) ?? RANDOM_PORT;
  const protocol = fields.enumOf('protocol', PORT_PROTOCOLS) ?? 'tcp';
  const name = fields.string('name', { pattern: PORT_NAME });
  const labels = fields.stringMap('labels') ?? {};
  if (fields.hasInvalidField) return undefined;
  return { port, protocol, ...(name !== undefined ? { name } : {}), labels };
}

function duplicates<T>(values: readonly T[]): boolean {
  return new Set(values).size !== values.length;
}

/**
 * Resolves an app's port definitions from its `ports` and `portDefinitions` fields (either may be undefined).
 * Errors about the app as a whole land on the root path, where Marathon reports them.
 */
export function readPortDefinitions(
  rawPorts: unknown,
  rawDefinitions: unknown,
  errors: ValidationErrors,
): readonly PortDefinition[] | undefined {
  const ports =
    rawPorts === undefined
      ? undefined
      : readArray(rawPorts, '/ports', errors, (item, p) => readNumber(item, p, errors, PORT_NUMBER));
  const definitions =
    rawDefinitions === undefined
      ? undefined
      : readArray(rawDefinitions, '/portDefinitions', errors, (item, p) => readPortDefinition(item, p, errors));
  if ((rawPorts !== undefined && ports === undefined) || (rawDefinitions !== undefined && definitions === undefined))
    return undefined;

  let ok = true;
  if (ports && duplicates(ports.filter((p) => p !== RANDOM_PORT))) {
    errors.add(ROOT_PATH, PortErrors.portsNotUnique);
    ok = false;
  }
  if (ports && definitions) {
    const equivalent = ports.length === definitions.length && ports.every((p, i) => definitions[i]?.port === p);
    if (!equivalent) {
      errors.add(ROOT_PATH, PortErrors.portsAndDefinitions);
      ok = false;
    }
  }
  if (definitions) {
    if (duplicates(definitions.map((d) => d.port).filter((p) => p !== RANDOM_PORT))) {
      errors.add('/portDefinitions', PortErrors.definitionPortsNotUnique);
      ok = false;
    }
    if (duplicates(definitions.flatMap((d) => (d.name === undefined ? [] : [d.name])))) {
      errors.add('/portDefinitions', PortErrors.namesNotUnique);
      ok = false;
    }
  }
  if (!ok) return undefined;
  if (definitions) return definitions;
  if (ports) return ports.map((port) => ({ port, protocol: 'tcp', labels: {} }));
  return DEFAULT_PORT_DEFINITIONS;
}
