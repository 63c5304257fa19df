/**
 * What an app needs next, decided from scratch every time anything about it changes: how many tasks to launch
 * and which to kill. One pure function covers scaling, relaunching failed tasks and rolling replacement on a
 * config change, so there is no deployment state machine that could disagree with the tasks actually there.
 *
 * Rolling replacement follows Marathon's upgradeStrategy: at least ceil(instances × minimumHealthCapacity) tasks
 * stay ready (running, and healthy when the app has health checks) and at most
 * floor(instances × (1 + maximumOverCapacity)) old + new tasks run at once.
 */
import type { KillSelection, UpgradeStrategy } from './app-definition.ts';
import type { TaskPhase } from './task-tracker.ts';

export interface PlanTask {
  readonly id: string;
  /** Launched with the app's current config version. */
  readonly current: boolean;
  readonly phase: TaskPhase;
  /** Running and (if the app has health checks) healthy. */
  readonly ready: boolean;
  readonly stagedAt: number;
}

export interface PlanInput {
  readonly instances: number;
  readonly upgradeStrategy: UpgradeStrategy;
  readonly killSelection: KillSelection;
  readonly tasks: readonly PlanTask[];
}

export interface InstancePlan {
  readonly launch: number;
  readonly kill: readonly string[];
  /** Nothing left to do: exactly `instances` current tasks, all ready, none old, none being killed. */
  readonly complete: boolean;
}

export function planInstances(input: PlanInput): InstancePlan {
  const n = input.instances;
  const active = input.tasks.filter((t) => t.phase !== 'killing' && t.phase !== 'inactive');
  let current = active.filter((t) => t.current);
  const old = active.filter((t) => !t.current);
  const kill: PlanTask[] = [];

  if (current.length > n) {
    const extra = killOrder(current, input.killSelection).slice(0, current.length - n);
    kill.push(...extra);
    current = current.filter((t) => !extra.includes(t));
  }
  const ready = current.filter((t) => t.ready).length;

  let launch: number;
  if (old.length === 0) {
    launch = n - current.length;
  } else {
    const { minimumHealthCapacity, maximumOverCapacity } = input.upgradeStrategy;
    const minHealthy = Math.ceil(roundFraction(n * minimumHealthCapacity));
    const maxTotal = Math.floor(roundFraction(n * (1 + maximumOverCapacity)));
    let killOld = clamp(old.length + ready - minHealthy, 0, old.length);
    const launchable = (killed: number) => Math.max(0, Math.min(n - current.length, maxTotal - (old.length - killed) - current.length));
    // With no room to start a new task and none allowed to stop (minimumHealthCapacity 1, maximumOverCapacity 0),
    // Marathon stops one old task to make progress; only once nothing new is still on its way up.
    if (killOld === 0 && launchable(0) === 0 && ready === current.length) killOld = 1;
    launch = launchable(killOld);
    kill.push(...killOrder(old, input.killSelection).slice(0, killOld));
  }

  const complete =
    kill.length === 0 &&
    old.length === 0 &&
    current.length === n &&
    ready === n &&
    !input.tasks.some((t) => t.phase === 'killing');
  return { launch: Math.max(0, launch), kill: kill.map((t) => t.id), complete };
}

/** Which tasks go first: those not serving anyway (unreachable, still staging, unhealthy), then by killSelection. */
function killOrder(tasks: readonly PlanTask[], selection: KillSelection): PlanTask[] {
  const rank = (t: PlanTask) => (t.phase === 'unreachable' ? 0 : t.phase === 'staging' ? 1 : t.ready ? 3 : 2);
  const byAge = (a: PlanTask, b: PlanTask) => (selection === 'YOUNGEST_FIRST' ? b.stagedAt - a.stagedAt : a.stagedAt - b.stagedAt);
  return [...tasks].sort((a, b) => rank(a) - rank(b) || byAge(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** 10 × 0.3 is 3.0000000000000004 in floating point; Marathon's capacities are meant as exact decimals. */
function roundFraction(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}
