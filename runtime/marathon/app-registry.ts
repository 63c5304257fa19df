/**
 * The apps Marathon manages and every change the REST API can make to them: create, update (partial or full,
 * scale-only or config change), restart, delete, and killing a task with `scale`. Each change gets a version and a
 * deployment, is persisted before the caller hears of it, and leaves the tasks to the scheduler's convergence.
 *
 * An app with a deployment under way is locked: changing it needs `force`, as in Marathon.
 */
import { randomUUID } from 'node:crypto';
import { newAppRecord, type AppRecord } from './app-record.ts';
import { deploymentSteps, type Deployment } from './deployments.ts';
import { isJsonObject, JsonErrors } from './json-readers.ts';
import type { StoredApp } from './marathon-store.ts';
import { applyAppUpdate, isScaleOnly, parseRunSpec, runSpecJson, type RunSpec } from './run-spec.ts';
import { assignServicePorts, ServicePortsExhaustedError, type ServicePortRange } from './service-ports.ts';
import type { MarathonTask } from './task-tracker.ts';
import { INVALID_OBJECT_MESSAGE, type MarathonValidationError } from './validation-errors.ts';

export type ChangeResult =
  | { readonly kind: 'ok'; readonly created: boolean; readonly deployment: Deployment; readonly app: AppRecord }
  | { readonly kind: 'invalid'; readonly error: MarathonValidationError }
  | { readonly kind: 'notFound'; readonly message: string }
  | { readonly kind: 'conflict'; readonly message: string }
  | { readonly kind: 'locked'; readonly message: string; readonly deployments: readonly Deployment[] };

export type CancelResult = { readonly kind: 'canceled'; readonly deployment: Deployment } | ChangeResult;

export type KillResult =
  | { readonly kind: 'killed'; readonly task: MarathonTask }
  | Extract<ChangeResult, { kind: 'ok' | 'notFound' | 'locked' }>;

type Deployed = Extract<ChangeResult, { kind: 'ok' }>;
type Invalid = Extract<ChangeResult, { kind: 'invalid' }>;

/** What the registry needs from the scheduler. */
export interface AppRegistryHost {
  now(): number;
  /** The framework's roles: apps may accept these and `*`. */
  readonly roles: readonly string[];
  readonly servicePortRange: ServicePortRange;
  task(id: string): MarathonTask | undefined;
  tasksOf(appId: string): MarathonTask[];
  kill(task: MarathonTask): void;
  /** The app needs a convergence pass. */
  changed(appId: string): void;
  /** The app's config changed (or it went away): its launch backoff no longer applies. */
  configChanged(appId: string): void;
  persist(): Promise<void>;
  /** A deployment began; `replaced` is the one it overrode (with `force`), which thereby failed. */
  deploymentStarted(deployment: Deployment, replaced: Deployment | undefined): void;
  /** A deployment was canceled (DELETE /v2/deployments/{id}). */
  deploymentCanceled(deployment: Deployment): void;
}

export class AppRegistry {
  private readonly records = new Map<string, AppRecord>();
  private lastVersionMs = 0;

  constructor(private readonly host: AppRegistryHost) {}

  /** An app visible through the API (not deleted). */
  get(id: string): AppRecord | undefined {
    const rec = this.records.get(id);
    return rec && !rec.deleted ? rec : undefined;
  }

  /** Any app record, including deleted ones whose tasks are still being stopped. */
  record(id: string): AppRecord | undefined {
    return this.records.get(id);
  }

  all(): AppRecord[] {
    return [...this.records.values()];
  }

  /** Apps visible through the API, by id. */
  visible(): AppRecord[] {
    return this.all()
      .filter((a) => !a.deleted)
      .sort((a, b) => (a.spec.id < b.spec.id ? -1 : 1));
  }

  ids(): string[] {
    return [...this.records.keys()];
  }

  /** Forgets a deleted app once its tasks are gone. */
  remove(id: string): void {
    this.records.delete(id);
  }

  deployments(): Deployment[] {
    return this.all().flatMap((a) => (a.deployment ? [a.deployment] : []));
  }

  /**
   * DELETE /v2/deployments/{id}: with `force` the deployment just stops (the app keeps its new definition, nothing
   * more is done to reach it beyond what convergence does anyway); without, it is rolled back: a new deployment
   * restores the app's previous definition, or removes an app the deployment created.
   */
  async cancelDeployment(id: string, force: boolean): Promise<CancelResult> {
    const rec = this.all().find((a) => a.deployment?.id === id);
    const deployment = rec?.deployment;
    if (!rec || !deployment) return { kind: 'notFound', message: `DeploymentPlan ${id} does not exist` };
    if (force) {
      rec.deployment = undefined;
      this.host.deploymentCanceled(deployment);
      await this.host.persist();
      return { kind: 'canceled', deployment };
    }
    if (deployment.previousSpec === undefined) return this.delete(rec.spec.id, true);
    rec.deleted = false;
    return this.update(rec.spec.id, deployment.previousSpec, { partial: false, force: true });
  }

  snapshot(): StoredApp[] {
    return this.all().map((a) => ({
      spec: runSpecJson(a.spec),
      version: a.version,
      lastScalingAt: a.lastScalingAt,
      lastConfigChangeAt: a.lastConfigChangeAt,
      ...(a.deployment === undefined ? {} : { deployment: a.deployment }),
      ...(a.deleted ? { deleted: true } : {}),
    }));
  }

  /** Loads stored apps; one that no longer parses is reported and skipped. */
  restore(stored: readonly StoredApp[], log: (message: string) => void): void {
    for (const s of stored) {
      const parsed = parseRunSpec(s.spec);
      if (!parsed.ok) {
        log(`stored app ${String(s.spec.id)} is no longer valid and is skipped: ${JSON.stringify(parsed.error)}`);
        continue;
      }
      const rec = newAppRecord(parsed.spec, s.version, s.lastScalingAt, s.lastConfigChangeAt);
      rec.deployment = s.deployment;
      rec.deleted = s.deleted ?? false;
      this.records.set(parsed.spec.id, rec);
      this.lastVersionMs = Math.max(this.lastVersionMs, Date.parse(s.version) || 0);
    }
  }

  /** POST /v2/apps. */
  async create(json: unknown): Promise<ChangeResult> {
    const parsed = this.parse(json);
    if (parsed.kind !== 'ok') return parsed;
    if (this.get(parsed.spec.id)) return { kind: 'conflict', message: `An app with id [${parsed.spec.id}] already exists.` };
    return this.install(parsed.spec);
  }

  /** PUT /v2/apps/{id}: partial (Marathon's default) or full update; creates the app when it does not exist. */
  async update(id: string, json: unknown, opts: { partial: boolean; force: boolean }): Promise<ChangeResult> {
    if (!isJsonObject(json)) return invalid('/', JsonErrors.expectedObject);
    const rec = this.get(id);
    if (rec?.deployment && !opts.force) return locked(rec.deployment);
    const parsed = this.parse(applyAppUpdate(id, rec?.spec, json, opts.partial));
    if (parsed.kind !== 'ok') return parsed;
    if (!rec) return this.install(parsed.spec);
    const spec = this.withServicePorts(parsed.spec, rec.spec);
    if (spec.kind !== 'ok') return spec;
    const version = this.nextVersion();
    const previous = rec.spec;
    const scaleOnly = isScaleOnly(rec.spec, spec.spec);
    if (!scaleOnly) this.newConfig(rec, version);
    rec.spec = spec.spec;
    rec.version = version;
    rec.lastScalingAt = version;
    return this.deploy(rec, scaleOnly ? 'scale' : 'restart', version, previous);
  }

  /** POST /v2/apps/{id}/restart: a new config version of the same spec, so every task is replaced. */
  async restart(id: string, force: boolean): Promise<ChangeResult> {
    const rec = this.get(id);
    if (!rec) return notFound(id);
    if (rec.deployment && !force) return locked(rec.deployment);
    const version = this.nextVersion();
    this.newConfig(rec, version);
    rec.version = version;
    return this.deploy(rec, 'restart', version, rec.spec);
  }

  /** DELETE /v2/apps/{id}: the app disappears from the API at once; the deployment stops its tasks. */
  async delete(id: string, force: boolean): Promise<ChangeResult> {
    const rec = this.get(id);
    if (!rec) return notFound(id);
    if (rec.deployment && !force) return locked(rec.deployment);
    rec.deleted = true;
    this.host.configChanged(id);
    return this.deploy(rec, 'delete', this.nextVersion(), rec.spec);
  }

  /** DELETE /v2/apps/{id}/tasks/{taskId}: kill (the task is replaced), or with `scale` kill and lower instances. */
  async killTask(appId: string, taskId: string, opts: { scale: boolean; force: boolean }): Promise<KillResult> {
    const rec = this.get(appId);
    if (!rec) return notFound(appId);
    const task = this.host.task(taskId);
    if (!task || task.appId !== appId) return { kind: 'notFound', message: `Task '${taskId}' does not exist` };
    if (!opts.scale) {
      this.host.kill(task);
      await this.host.persist();
      return { kind: 'killed', task };
    }
    if (rec.deployment && !opts.force) return locked(rec.deployment);
    const version = this.nextVersion();
    const previous = rec.spec;
    rec.spec = Object.freeze({ ...rec.spec, instances: Math.max(0, rec.spec.instances - 1) });
    rec.version = version;
    rec.lastScalingAt = version;
    this.host.kill(task);
    return this.deploy(rec, 'scale', version, previous);
  }

  /**
   * DELETE /v2/apps/{id}/tasks and POST /v2/tasks/delete: kill the given tasks of one app (they are replaced), or with
   * `scale` kill them and lower instances by as many, as one deployment.
   */
  async killTasks(
    appId: string,
    tasks: readonly MarathonTask[],
    opts: { scale: boolean; force: boolean },
  ): Promise<{ kind: 'killed'; tasks: readonly MarathonTask[] } | Extract<ChangeResult, { kind: 'ok' | 'notFound' | 'locked' }>> {
    const rec = this.get(appId);
    if (!rec) return notFound(appId);
    if (!opts.scale) {
      for (const t of tasks) this.host.kill(t);
      await this.host.persist();
      return { kind: 'killed', tasks };
    }
    if (rec.deployment && !opts.force) return locked(rec.deployment);
    const version = this.nextVersion();
    const previous = rec.spec;
    rec.spec = Object.freeze({ ...rec.spec, instances: Math.max(0, rec.spec.instances - tasks.length) });
    rec.version = version;
    rec.lastScalingAt = version;
    for (const t of tasks) this.host.kill(t);
    return this.deploy(rec, 'scale', version, previous);
  }

  private parse(json: unknown): { kind: 'ok'; spec: RunSpec } | Invalid {
    const parsed = parseRunSpec(json);
    if (!parsed.ok) return { kind: 'invalid', error: parsed.error };
    // Marathon does not subscribe with GPU_RESOURCES, so GPU agents are never offered to it (Marathon's
    // gpu_resources feature is off by default too): an app asking for GPUs could never start.
    if (parsed.spec.gpus > 0) return invalid('/gpus', 'Feature gpu_resources is not enabled.');
    // Resources of any other role are never offered to Marathon: such an app could never start.
    const allowed = ['*', ...this.host.roles];
    const roles = parsed.spec.acceptedResourceRoles;
    if (roles?.some((r) => !allowed.includes(r)))
      return invalid('/acceptedResourceRoles', `acceptedResourceRoles can only contain ${allowed.join(', ')}`);
    return { kind: 'ok', spec: parsed.spec };
  }

  private async install(parsed: RunSpec): Promise<ChangeResult> {
    const spec = this.withServicePorts(parsed, undefined);
    if (spec.kind !== 'ok') return spec;
    const id = spec.spec.id;
    const version = this.nextVersion();
    const existing = this.records.get(id);
    const rec = newAppRecord(spec.spec, version);
    if (existing) {
      // Re-created while the deleted app's tasks are still stopping: they are the old app's, not the new one's.
      for (const t of this.host.tasksOf(id)) this.host.kill(t);
      for (const [v, s] of existing.previousSpecs) rec.previousSpecs.set(v, s);
      rec.previousSpecs.set(existing.lastConfigChangeAt, existing.spec);
    }
    this.records.set(id, rec);
    this.host.configChanged(id);
    return { ...(await this.deploy(rec, 'create', version, undefined)), created: true };
  }

  private withServicePorts(spec: RunSpec, previous: RunSpec | undefined): { kind: 'ok'; spec: RunSpec } | Invalid {
    const taken = new Set<number>();
    for (const a of this.records.values()) {
      if (a.deleted || a.spec.id === spec.id) continue;
      for (const d of a.spec.portDefinitions) taken.add(d.port);
    }
    try {
      return { kind: 'ok', spec: assignServicePorts(spec, previous, taken, this.host.servicePortRange) };
    } catch (err) {
      if (err instanceof ServicePortsExhaustedError) return invalid('/portDefinitions', err.message);
      throw err;
    }
  }

  /** A change other than scaling: tasks of the previous config are replaced. */
  private newConfig(rec: AppRecord, version: string): void {
    rec.previousSpecs.set(rec.lastConfigChangeAt, rec.spec);
    rec.lastConfigChangeAt = version;
    this.host.configChanged(rec.spec.id);
  }

  private async deploy(
    rec: AppRecord,
    change: 'create' | 'scale' | 'restart' | 'delete',
    version: string,
    previous: RunSpec | undefined,
  ): Promise<Deployed> {
    const deployment: Deployment = {
      id: randomUUID(),
      version,
      appId: rec.spec.id,
      steps: deploymentSteps(change),
      ...(previous === undefined ? {} : { previousSpec: runSpecJson(previous) }),
    };
    const replaced = rec.deployment;
    rec.deployment = deployment;
    this.host.deploymentStarted(deployment, replaced);
    this.host.changed(rec.spec.id);
    await this.host.persist();
    return { kind: 'ok', created: false, deployment, app: rec };
  }

  /** Versions are ISO timestamps, strictly increasing even within one millisecond. */
  private nextVersion(): string {
    this.lastVersionMs = Math.max(this.host.now(), this.lastVersionMs + 1);
    return new Date(this.lastVersionMs).toISOString();
  }
}

function invalid(path: string, error: string): Invalid {
  return { kind: 'invalid', error: { message: INVALID_OBJECT_MESSAGE, details: [{ path, errors: [error] }] } };
}

function notFound(id: string): { kind: 'notFound'; message: string } {
  return { kind: 'notFound', message: `App '${id}' does not exist` };
}

function locked(deployment: Deployment): Extract<ChangeResult, { kind: 'locked' }> {
  return {
    kind: 'locked',
    message:
      `App is locked by one or more deployments. Override with the option '?force=true'. ` +
      `View details at '/v2/deployments/${deployment.id}'.`,
    deployments: [deployment],
  };
}
