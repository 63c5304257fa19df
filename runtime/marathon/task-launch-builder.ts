/**
 * Turns "one instance of this app on this offer" into the TaskInfo Marathon sends: command, environment,
 * labels, kill grace period, and the DiscoveryInfo that carries each port's name, protocol and labels — the
 * `VIP_n` labels DC/OS's VIP layer reads and the port names Mesos-DNS builds SRV records from.
 */
import type { Resources } from '../mesos/resources.ts';
import type { CommandSpec, DiscoveryInfo, Label, TaskLaunch } from '../mesos/scheduler-api.ts';
import type { RunSpec } from './run-spec.ts';
import { mesosTaskName } from './task-naming.ts';

export interface LaunchTarget {
  readonly taskId: string;
  /** The app version the task runs (MARATHON_APP_VERSION). */
  readonly version: string;
  /** The agent's IP address (HOST). */
  readonly host: string;
  readonly resources: Resources;
  /** In port-definition order: PORT0 is the first definition's host port. */
  readonly hostPorts: readonly number[];
}

/** Marathon leaves out label values too large for an environment variable. */
const MAX_ENV_LABEL_VALUE = 512;

export function buildTaskLaunch(spec: RunSpec, target: LaunchTarget): TaskLaunch {
  const name = mesosTaskName(spec.id);
  return {
    taskId: target.taskId,
    name,
    resources: target.resources,
    command: commandOf(spec),
    env: taskEnvironment(spec, target),
    labels: toLabels(spec.labels),
    discovery: discoveryInfo(spec, name, target.hostPorts),
    ...(spec.taskKillGracePeriodSeconds === undefined ? {} : { killGracePeriodMs: spec.taskKillGracePeriodSeconds * 1000 }),
    ...(spec.user === undefined ? {} : { user: spec.user }),
  };
}

/** `cmd` runs under `/bin/sh -c`; `args` is exec'd directly with args[0] as the program. */
export function commandOf(spec: RunSpec): CommandSpec {
  if (spec.cmd !== undefined) return { value: spec.cmd, shell: true };
  const args = spec.args ?? [];
  return { value: args[0] ?? '', shell: false, arguments: [...args] };
}

/** Marathon's task environment; the app's own `env` wins over everything but the task's identity. */
export function taskEnvironment(spec: RunSpec, target: Omit<LaunchTarget, 'resources'>): Record<string, string> {
  const env: Record<string, string> = {};
  env.HOST = target.host;
  if (target.hostPorts.length > 0) {
    env.PORT = String(target.hostPorts[0]);
    env.PORTS = target.hostPorts.join(',');
  }
  target.hostPorts.forEach((port, i) => {
    env[`PORT${i}`] = String(port);
    const def = spec.portDefinitions[i];
    if (def === undefined) return;
    if (def.port !== 0) env[`PORT_${def.port}`] = String(port);
    if (def.name !== undefined) env[`PORT_${envName(def.name)}`] = String(port);
  });
  env.MARATHON_APP_RESOURCE_CPUS = String(spec.cpus);
  env.MARATHON_APP_RESOURCE_MEM = String(spec.mem);
  env.MARATHON_APP_RESOURCE_DISK = String(spec.disk);
  env.MARATHON_APP_RESOURCE_GPUS = String(spec.gpus);
  const labelKeys: string[] = [];
  for (const [key, value] of Object.entries(spec.labels)) {
    if (value.length > MAX_ENV_LABEL_VALUE) continue;
    const k = envName(key);
    labelKeys.push(k);
    env[`MARATHON_APP_LABEL_${k}`] = value;
  }
  env.MARATHON_APP_LABELS = labelKeys.join(' ');
  Object.assign(env, spec.env);
  env.MARATHON_APP_ID = spec.id;
  env.MARATHON_APP_VERSION = target.version;
  env.MESOS_TASK_ID = target.taskId;
  return env;
}

export function discoveryInfo(spec: RunSpec, name: string, hostPorts: readonly number[]): DiscoveryInfo {
  const ports: NonNullable<DiscoveryInfo['ports']>['ports'] = [];
  spec.portDefinitions.forEach((def, i) => {
    const number = hostPorts[i];
    if (number === undefined) return;
    // "tcp,udp" is one Marathon port but two Mesos ports, one per protocol.
    for (const protocol of def.protocol.split(',')) {
      ports.push({
        number,
        ...(def.name === undefined ? {} : { name: def.name }),
        protocol,
        labels: { labels: toLabels(def.labels) },
      });
    }
  });
  return { visibility: 'FRAMEWORK', name, ports: { ports } };
}

function toLabels(map: Readonly<Record<string, string>>): Label[] {
  return Object.entries(map).map(([key, value]) => ({ key, value }));
}

/** An environment-variable-safe upper-case form of a name (`my-port` → `MY_PORT`). */
function envName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}
