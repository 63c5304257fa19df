/**
 * App fields Marathon has and minidc cannot honour. Rather than accept an app and silently run something other
 * than what was asked (a Docker image run as a bare command, artifacts never fetched), such an app is refused with
 * a 422 naming the field. The empty values Marathon prints (`fetch: []`, `networks: [{"mode": "host"}]`, …) are
 * accepted, so an app read with GET can be PUT back as is.
 *
 * `container` is supported in the one form that needs nothing minidc lacks: a MESOS container without an image,
 * volumes or port mappings, which runs the command as a process just like no container.
 */
import { isJsonObject, optionalField, type JsonObject } from './json-readers.ts';
import { keyPath, type ValidationErrors } from './validation-errors.ts';

export const UnsupportedErrors = {
  docker: 'not supported, tasks run as processes',
  containerType: "not supported, tasks run as processes (only type 'MESOS' without an image)",
  volumes: 'not supported, tasks have only their sandbox',
  portMappings: 'not supported, tasks use host networking (portDefinitions)',
  fetch: 'not supported, nothing is fetched into sandboxes',
  readinessChecks: 'not supported, use healthChecks',
  dependencies: 'not supported, deployments are not ordered',
  networks: "not supported, only [{\"mode\": \"host\"}]",
  secrets: 'not supported',
  residency: 'not supported, there are no persistent volumes',
  ipAddress: 'not supported, tasks use host networking',
  executor: "not supported, tasks run with the command executor ('//cmd')",
} as const;

export interface MesosContainer {
  readonly type: 'MESOS';
  readonly volumes: readonly never[];
}

/** Records an error for every unsupported field given; returns the container to keep, if one was given. */
export function checkUnsupportedFields(json: JsonObject, errors: ValidationErrors): MesosContainer | undefined {
  const nonEmpty = (key: string): boolean => {
    const v = optionalField(json, key);
    if (v === undefined) return false;
    if (Array.isArray(v)) return v.length > 0;
    if (isJsonObject(v)) return Object.keys(v).length > 0;
    return v !== '';
  };
  for (const key of ['fetch', 'uris', 'storeUrls'] as const) if (nonEmpty(key)) errors.add(`/${key}`, UnsupportedErrors.fetch);
  for (const key of ['readinessChecks', 'dependencies', 'secrets', 'residency', 'ipAddress'] as const)
    if (nonEmpty(key)) errors.add(`/${key}`, UnsupportedErrors[key]);
  const executor = optionalField(json, 'executor');
  if (executor !== undefined && executor !== '' && executor !== '//cmd') errors.add('/executor', UnsupportedErrors.executor);
  const networks = optionalField(json, 'networks');
  if (networks !== undefined && !isHostNetworking(networks)) errors.add('/networks', UnsupportedErrors.networks);
  return readContainer(optionalField(json, 'container'), errors);
}

function isHostNetworking(networks: unknown): boolean {
  if (!Array.isArray(networks)) return false;
  return networks.every((n) => isJsonObject(n) && n.mode === 'host' && Object.keys(n).length === 1);
}

function readContainer(raw: unknown, errors: ValidationErrors): MesosContainer | undefined {
  if (raw === undefined) return undefined;
  const path = '/container';
  if (!isJsonObject(raw)) {
    errors.add(path, 'error.expected.jsobject');
    return undefined;
  }
  let supported = true;
  const refuse = (key: string, error: string): void => {
    supported = false;
    errors.add(keyPath(path, key), error);
  };
  // Marathon's default container type is DOCKER.
  const type = optionalField(raw, 'type') ?? 'DOCKER';
  if (optionalField(raw, 'docker') !== undefined) refuse('docker', UnsupportedErrors.docker);
  else if (type !== 'MESOS') refuse('type', UnsupportedErrors.containerType);
  const isEmptyList = (v: unknown): boolean => v === undefined || (Array.isArray(v) && v.length === 0);
  if (!isEmptyList(optionalField(raw, 'volumes'))) refuse('volumes', UnsupportedErrors.volumes);
  if (!isEmptyList(optionalField(raw, 'portMappings'))) refuse('portMappings', UnsupportedErrors.portMappings);
  return supported ? { type: 'MESOS', volumes: [] } : undefined;
}
