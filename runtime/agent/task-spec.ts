/**
 * What an agent is asked to run: the parts of a Mesos TaskInfo (+ the agent's own facts: sandbox, host) that an
 * executor needs, and the validation that turns a bad spec into TASK_ERROR instead of an exception.
 */
import { isAbsolute } from 'node:path';
import { isIP } from 'node:net';
import type { CommandSpec } from '../mesos/scheduler-api.ts';

export interface TaskSpec {
  taskId: string;
  frameworkId: string;
  /** Defaults to the task id, as for Mesos's command executor. */
  executorId?: string;
  command: CommandSpec;
  env: Record<string, string>;
  /** Absolute; created if missing. */
  sandboxDir: string;
  /** Host ports assigned to the task, exported as PORT0..PORTn. */
  ports: number[];
  /** The agent's IP address, exported as HOST and reported in the status's network_infos. */
  host: string;
  /** Run as this user (needs the agent to run as root), like Mesos's --switch_user. */
  user?: string;
  /** TaskInfo.kill_policy.grace_period: SIGTERM → SIGKILL delay when no other is given to kill(). */
  killGracePeriodMs?: number;
  /** The container id the agent chose (its sandbox is `runs/<containerId>`); a fresh UUID when absent. */
  containerId?: string;
}

export const DEFAULT_KILL_GRACE_PERIOD_MS = 3000;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v !== '';
/** Strings end up in argv, env and paths, where a NUL cannot go. */
const hasNul = (s: string) => s.includes('\0');

/** Returns why the spec cannot run, or undefined when it is valid. Accepts anything, so callers can pass raw input. */
export function validateTaskSpec(spec: unknown): string | undefined {
  if (!isObject(spec)) return 'task must be an object';
  const { taskId, frameworkId, executorId, command, env, sandboxDir, ports, host, user, killGracePeriodMs, containerId } =
    spec;
  // The id becomes part of paths and env vars, hence Mesos's rules against '/', '.' and '..'.
  if (!isNonEmptyString(taskId) || hasNul(taskId)) return "'taskId' must be a non-empty string";
  if (taskId.includes('/') || taskId === '.' || taskId === '..') return `'taskId' is not a valid task id: '${taskId}'`;
  if (!isNonEmptyString(frameworkId) || hasNul(frameworkId)) return "'frameworkId' must be a non-empty string";
  if (executorId !== undefined && (!isNonEmptyString(executorId) || hasNul(executorId)))
    return "'executorId' must be a non-empty string";

  if (!isObject(command)) return "'command' must be an object";
  if (!isNonEmptyString(command.value) || hasNul(command.value)) return "'command.value' must be a non-empty string";
  if (command.shell !== undefined && typeof command.shell !== 'boolean') return "'command.shell' must be a boolean";
  if (command.arguments !== undefined) {
    if (!Array.isArray(command.arguments)) return "'command.arguments' must be an array of strings";
    const bad = command.arguments.findIndex((a) => typeof a !== 'string' || hasNul(a));
    if (bad >= 0) return `'command.arguments[${bad}]' must be a string`;
  }

  if (!isObject(env)) return "'env' must be an object of strings";
  for (const [k, v] of Object.entries(env)) {
    if (k === '' || k.includes('=') || hasNul(k)) return `'env' has an invalid variable name '${k}'`;
    if (typeof v !== 'string' || hasNul(v)) return `'env.${k}' must be a string`;
  }

  if (typeof sandboxDir !== 'string' || !isAbsolute(sandboxDir) || hasNul(sandboxDir))
    return "'sandboxDir' must be an absolute path";
  if (!Array.isArray(ports)) return "'ports' must be an array of port numbers";
  const badPort = ports.findIndex((p) => !Number.isInteger(p) || (p as number) < 1 || (p as number) > 65535);
  if (badPort >= 0) return `'ports[${badPort}]' must be an integer port between 1 and 65535`;
  if (typeof host !== 'string' || isIP(host) === 0) return "'host' must be an IP address";
  if (user !== undefined && (!isNonEmptyString(user) || hasNul(user))) return "'user' must be a non-empty string";
  if (containerId !== undefined && (!isNonEmptyString(containerId) || hasNul(containerId)))
    return "'containerId' must be a non-empty string";
  if (killGracePeriodMs !== undefined && !isGracePeriod(killGracePeriodMs))
    return "'killGracePeriodMs' must be a non-negative number";
  return undefined;
}

export function isGracePeriod(ms: unknown): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0;
}
