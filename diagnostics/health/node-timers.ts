/**
 * A node's timers as `systemctl list-timers` shows them, plus what an operator asks next: did the last run work?
 * `GET /system/health/v1/timers` (a minidc addition; dcos-diagnostics had no such route).
 */
import type { UnitSource } from './unit-source.ts';

export interface NodeTimer {
  /** The timer unit, e.g. `dcos-logrotate-master.timer`. */
  unit: string;
  /** The service it starts. */
  activates: string;
  /** Next and last trigger, ISO 8601; null: not scheduled / never. */
  next: string | null;
  last: string | null;
  /** The service now: `running`, `succeeded` (its last run exited 0), `failed`, or `never` (not run yet). */
  last_result: 'running' | 'succeeded' | 'failed' | 'never';
}

export async function nodeTimers(source: UnitSource): Promise<{ timers: NodeTimer[] }> {
  await source.refresh?.();
  const timers: NodeTimer[] = [];
  for (const unit of source.unitNames()) {
    const timer = source.properties(unit)?.Timer;
    if (timer === undefined) continue;
    const service = source.properties(timer.Unit);
    timers.push({ unit, activates: timer.Unit, next: iso(timer.NextElapseRealtime), last: iso(timer.LastTrigger), last_result: lastResult(service) });
  }
  return { timers };
}

function lastResult(service: ReturnType<UnitSource['properties']>): NodeTimer['last_result'] {
  if (service === undefined) return 'never';
  if (service.ActiveState === 'activating' || service.ActiveState === 'deactivating') return 'running';
  if (service.ActiveState === 'failed' || (service.ExecMainStatus !== null && service.ExecMainStatus !== 0)) return 'failed';
  return service.ExecMainStatus === 0 ? 'succeeded' : 'never';
}

function iso(ms: number): string | null {
  return ms === 0 ? null : new Date(ms).toISOString();
}
