/**
 * A Marathon app definition as POST /v2/apps receives it, parsed, validated and filled with Marathon's defaults.
 *
 * The result is a deeply frozen plain object whose field names and shape are those of the `app` in
 * GET /v2/apps/{id} (canonical fields only: legacy `ports` is accepted but printed as `portDefinitions`), so the
 * HTTP layer can serve it as is. Server-side fields (version, versionInfo, task counts) belong to that layer.
 *
 * Problems come back as Marathon's 422 body with every problem listed, not just the first.
 */
import type { Constraint } from './constraints.ts';
import type { HealthCheck } from './health-checks.ts';
import type { JsonObject } from './json-readers.ts';
import type { MarathonValidationError } from './validation-errors.ts';
import type { PortDefinition } from './port-definitions.ts';
import { readAcceptedResourceRoles } from './accepted-resource-roles.ts';
import { normalizeAppId } from './app-id.ts';
import { readConstraint } from './constraints.ts';
import { isMesosHealthCheck, readHealthCheck, usesPort } from './health-checks.ts';
import {
  FieldReader,
  isJsonObject,
  JsonErrors,
  optionalField,
  readArray,
  readObject,
  readString,
  readStringArray,
} from './json-readers.ts';
import { readPortDefinitions } from './port-definitions.ts';
import { checkUnsupportedFields, type MesosContainer } from './unsupported-fields.ts';
import { indexPath, ROOT_PATH, ValidationErrors } from './validation-errors.ts';

export const KILL_SELECTIONS = ['YOUNGEST_FIRST', 'OLDEST_FIRST'] as const;
export type KillSelection = (typeof KILL_SELECTIONS)[number];

export interface UpgradeStrategy {
  /** Fraction of instances that must stay healthy during a deployment. */
  readonly minimumHealthCapacity: number;
  /** Fraction of instances that may be started on top of the target count during a deployment. */
  readonly maximumOverCapacity: number;
}

export const APP_DEFAULTS = {
  instances: 1,
  cpus: 1,
  mem: 128,
  disk: 0,
  gpus: 0,
  requirePorts: false,
  backoffSeconds: 1,
  backoffFactor: 1.15,
  // Marathon 1.4's RAML said 3600; later releases document 5 minutes.
  maxLaunchDelaySeconds: 300,
  upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 },
  killSelection: 'YOUNGEST_FIRST',
} as const satisfies Record<string, unknown>;

export interface AppDefinition {
  /** Absolute path id, e.g. `/group/web`. */
  readonly id: string;
  /** Run with `/bin/sh -c`; exactly one of `cmd` and `args` is set. */
  readonly cmd?: string;
  /** Run directly as argv. */
  readonly args?: readonly string[];
  readonly user?: string;
  readonly env: Readonly<Record<string, string>>;
  readonly instances: number;
  readonly cpus: number;
  /** MiB. */
  readonly mem: number;
  /** MiB. */
  readonly disk: number;
  readonly gpus: number;
  readonly constraints: readonly Constraint[];
  /** Absent means "whatever the scheduler's default roles are". */
  readonly acceptedResourceRoles?: readonly string[];
  readonly portDefinitions: readonly PortDefinition[];
  readonly requirePorts: boolean;
  readonly healthChecks: readonly HealthCheck[];
  readonly labels: Readonly<Record<string, string>>;
  readonly backoffSeconds: number;
  readonly backoffFactor: number;
  readonly maxLaunchDelaySeconds: number;
  readonly upgradeStrategy: UpgradeStrategy;
  readonly killSelection: KillSelection;
  /** Seconds between SIGTERM and SIGKILL; absent means the executor's default. */
  readonly taskKillGracePeriodSeconds?: number;
  /** Only a MESOS container without an image (the task runs as a process either way); others are refused. */
  readonly container?: MesosContainer;
}

export type ParseAppDefinitionResult =
  | { readonly ok: true; readonly app: AppDefinition }
  | { readonly ok: false; readonly error: MarathonValidationError };

export const AppDefinitionErrors = {
  cmdOrArgs: "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.",
  healthCheckPortIndex:
    'Health check port indices must address an element of the ports array or container port mappings.',
  oneMesosHealthCheck: 'AppDefinition can contain at most one Mesos health check',
} as const;

const NON_NEGATIVE = { min: 0 } as const;
const NON_NEGATIVE_INT = { integer: true, min: 0 } as const;
const FRACTION = { min: 0, max: 1 } as const;

export function parseAppDefinition(json: unknown): ParseAppDefinitionResult {
  const errors = new ValidationErrors();
  if (!isJsonObject(json)) {
    errors.add(ROOT_PATH, JsonErrors.expectedObject);
    return { ok: false, error: errors.toError() };
  }
  const fields = new FieldReader(json, ROOT_PATH, errors);

  const id = readId(json, errors);
  const cmd = fields.string('cmd', { minLength: 1 });
  const args = fields.get('args', (v, p) => readStringArray(v, p, errors));
  const user = fields.string('user');
  const env = fields.stringMap('env');
  const labels = fields.stringMap('labels');
  const instances = fields.number('instances', NON_NEGATIVE_INT);
  // 0.001 is the smallest CPU amount Mesos can express (scalars are fixed-point with three decimals).
  const cpus = fields.number('cpus', { min: 0.001 });
  const mem = fields.number('mem', NON_NEGATIVE);
  const disk = fields.number('disk', NON_NEGATIVE);
  const gpus = fields.number('gpus', NON_NEGATIVE_INT);
  const requirePorts = fields.boolean('requirePorts');
  const backoffSeconds = fields.number('backoffSeconds', NON_NEGATIVE_INT);
  const backoffFactor = fields.number('backoffFactor', { min: 1 });
  const maxLaunchDelaySeconds = fields.number('maxLaunchDelaySeconds', NON_NEGATIVE_INT);
  const taskKillGracePeriodSeconds = fields.number('taskKillGracePeriodSeconds', NON_NEGATIVE_INT);
  const killSelection = fields.enumOf('killSelection', KILL_SELECTIONS);
  const upgradeStrategy = fields.get('upgradeStrategy', (v, p) => readUpgradeStrategy(v, p, errors));
  const constraints = fields.get('constraints', (v, p) =>
    readArray(v, p, errors, (item, itemPath) => readConstraint(item, itemPath, errors)),
  );
  const acceptedResourceRoles = fields.get('acceptedResourceRoles', (v, p) =>
    readAcceptedResourceRoles(v, p, errors),
  );
  const portDefinitions = readPortDefinitions(
    optionalField(json, 'ports'),
    optionalField(json, 'portDefinitions'),
    errors,
  );
  const healthChecks = fields.get('healthChecks', (v, p) =>
    readArray(v, p, errors, (item, itemPath) => readHealthCheck(item, itemPath, errors)),
  );

  const container = checkUnsupportedFields(json, errors);

  // Judged on presence, not validity, so a malformed cmd is reported once rather than also as "missing".
  const hasCmd = fields.has('cmd');
  const rawArgs = optionalField(json, 'args');
  const hasArgs = rawArgs !== undefined && !(Array.isArray(rawArgs) && rawArgs.length === 0);
  if (hasCmd === hasArgs) errors.add(ROOT_PATH, AppDefinitionErrors.cmdOrArgs);
  if (healthChecks && portDefinitions) checkHealthCheckPorts(healthChecks, portDefinitions, errors);

  if (!errors.isEmpty || id === undefined) return { ok: false, error: errors.toError() };

  const app: AppDefinition = {
    id,
    ...(cmd !== undefined ? { cmd } : {}),
    ...(args !== undefined && args.length > 0 ? { args } : {}),
    ...(user !== undefined ? { user } : {}),
    env: env ?? {},
    instances: instances ?? APP_DEFAULTS.instances,
    cpus: cpus ?? APP_DEFAULTS.cpus,
    mem: mem ?? APP_DEFAULTS.mem,
    disk: disk ?? APP_DEFAULTS.disk,
    gpus: gpus ?? APP_DEFAULTS.gpus,
    constraints: constraints ?? [],
    ...(acceptedResourceRoles !== undefined ? { acceptedResourceRoles } : {}),
    portDefinitions: portDefinitions ?? [],
    requirePorts: requirePorts ?? APP_DEFAULTS.requirePorts,
    healthChecks: healthChecks ?? [],
    labels: labels ?? {},
    backoffSeconds: backoffSeconds ?? APP_DEFAULTS.backoffSeconds,
    backoffFactor: backoffFactor ?? APP_DEFAULTS.backoffFactor,
    maxLaunchDelaySeconds: maxLaunchDelaySeconds ?? APP_DEFAULTS.maxLaunchDelaySeconds,
    upgradeStrategy: upgradeStrategy ?? APP_DEFAULTS.upgradeStrategy,
    killSelection: killSelection ?? APP_DEFAULTS.killSelection,
    ...(taskKillGracePeriodSeconds !== undefined ? { taskKillGracePeriodSeconds } : {}),
    ...(container !== undefined ? { container } : {}),
  };
  return { ok: true, app: deepFreeze(structuredClone(app)) };
}

function readId(json: JsonObject, errors: ValidationErrors): string | undefined {
  const raw = optionalField(json, 'id');
  if (raw === undefined) {
    errors.add('/id', JsonErrors.missing);
    return undefined;
  }
  const text = readString(raw, '/id', errors, { minLength: 1 });
  if (text === undefined) return undefined;
  const result = normalizeAppId(text);
  if (result.ok) return result.id;
  for (const e of result.errors) errors.add('/id', e);
  return undefined;
}

function readUpgradeStrategy(raw: unknown, path: string, errors: ValidationErrors): UpgradeStrategy | undefined {
  const obj = readObject(raw, path, errors);
  if (!obj) return undefined;
  const fields = new FieldReader(obj, path, errors);
  const minimumHealthCapacity = fields.number('minimumHealthCapacity', FRACTION);
  const maximumOverCapacity = fields.number('maximumOverCapacity', FRACTION);
  if (fields.hasInvalidField) return undefined;
  return {
    minimumHealthCapacity: minimumHealthCapacity ?? APP_DEFAULTS.upgradeStrategy.minimumHealthCapacity,
    maximumOverCapacity: maximumOverCapacity ?? APP_DEFAULTS.upgradeStrategy.maximumOverCapacity,
  };
}

function checkHealthCheckPorts(
  healthChecks: readonly HealthCheck[],
  portDefinitions: readonly PortDefinition[],
  errors: ValidationErrors,
): void {
  healthChecks.forEach((check, i) => {
    if (!usesPort(check.protocol) || check.portIndex === undefined) return;
    if (check.portIndex >= portDefinitions.length)
      errors.add(indexPath('/healthChecks', i), AppDefinitionErrors.healthCheckPortIndex);
  });
  // Mesos runs at most one check per task; COMMAND checks predate the rule and stay exempt, as in Marathon.
  if (healthChecks.filter((c) => isMesosHealthCheck(c.protocol)).length > 1)
    errors.add(ROOT_PATH, AppDefinitionErrors.oneMesosHealthCheck);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
