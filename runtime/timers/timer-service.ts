/**
 * A timer pair as node services: `<name>.service` (a oneshot run of the job, started only by its timer) and
 * `<name>.timer` (the schedule), placed on the same roles. Every timer-driven component — logrotate, the DNS
 * watchdog, gen-resolvconf, Signal — declares one `TimerServiceSpec` and is placed with `timerServices(spec)`.
 */
import type { ClusterConfig } from '../cluster/cluster-config.ts';
import type { NodeRole } from '../cluster/endpoints-file.ts';
import type { NodeServiceContext, NodeServiceDescriptor } from '../cluster/node-service.ts';
import { OneshotUnit } from './oneshot-unit.ts';
import type { TimerJob } from './timer-job.ts';
import { TimerUnit } from './timer-unit.ts';

export interface TimerServiceSpec {
  /** e.g. `dcos-logrotate-master` → `dcos-logrotate-master.timer` and `dcos-logrotate-master.service`. */
  readonly name: string;
  /** The service's "Name: description"; the timer's is derived from it. */
  readonly description: string;
  readonly roles: readonly NodeRole[];
  /** Units the service starts after (the timer starts after the service). */
  readonly after?: readonly string[];
  /** A node-cron expression from the cluster config (six fields when the first is seconds). */
  schedule(config: ClusterConfig): string;
  /** No trigger before this long after the timer starts. */
  firstDelayMs?(config: ClusterConfig): number;
  /** Trigger once when the timer starts too, not only on the schedule (systemd's OnActiveSec=0). */
  readonly runAtStart?: boolean;
  /** A run still going after this fails (TimeoutStartSec). Default 5 min. */
  readonly runTimeoutMs?: number;
  /** The job, built once per node. */
  create(ctx: NodeServiceContext): TimerJob;
}

export const DEFAULT_RUN_TIMEOUT_MS = 5 * 60_000;

export function timerServices(spec: TimerServiceSpec): NodeServiceDescriptor[] {
  const service = `${spec.name}.service`;
  const timer = `${spec.name}.timer`;
  return [
    {
      unit: service,
      description: spec.description,
      roles: spec.roles,
      after: spec.after ?? [],
      endpoints: [],
      triggeredBy: { timer, runTimeoutMs: spec.runTimeoutMs ?? DEFAULT_RUN_TIMEOUT_MS },
      create: (ctx) => new OneshotUnit(spec.create(ctx)),
    },
    {
      unit: timer,
      description: `${spec.description.split(': ')[0]} Timer: runs ${service} on its schedule`,
      roles: spec.roles,
      after: [service],
      endpoints: [],
      create: (ctx) => {
        const oneshot = ctx.peer(service);
        const firstDelayMs = spec.firstDelayMs?.(ctx.cluster.config);
        return new TimerUnit({
          schedule: spec.schedule(ctx.cluster.config),
          service,
          serviceUnit: () => ctx.node.units.get(service),
          ...(oneshot instanceof OneshotUnit ? { abortRun: (reason: string) => oneshot.abort(reason) } : {}),
          ...(firstDelayMs === undefined ? {} : { firstDelayMs }),
          ...(spec.runAtStart ? { runAtStart: true } : {}),
        });
      },
    },
  ];
}
