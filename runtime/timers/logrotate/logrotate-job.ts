/**
 * One logrotate run over a node's logs: each log rotated when due, then each log folder capped. A log that cannot
 * be rotated does not stop the others; the run fails afterwards naming it, so the service is unhealthy until a run
 * gets through. What a run did goes to the service's journal.
 */
import { PRIORITY } from '../../units/unit-journal.ts';
import type { TimerJob, TimerJobContext } from '../timer-job.ts';
import { byFolder, capLogFolder } from './log-folder-cap.ts';
import { rotateLog, type RotatableLog, type RotationPolicy } from './log-rotation.ts';

export interface LogrotatePolicy extends RotationPolicy {
  /** Files per log folder at most (DC/OS's `mesos_log_directory_max_files`). */
  readonly maxFiles: number;
}

export interface LogrotateJobOptions {
  /** The logs to look at, found afresh each run (tasks come and go). */
  logs(): Promise<RotatableLog[]>;
  policy: LogrotatePolicy;
}

export function logrotateJob({ logs, policy }: LogrotateJobOptions): TimerJob {
  return {
    async run(ctx: TimerJobContext): Promise<void> {
      const found = await logs();
      const failures: string[] = [];
      const failed = (what: string, err: unknown): void => {
        ctx.signal.throwIfAborted();
        const message = `${what}: ${err instanceof Error ? err.message : String(err)}`;
        failures.push(message);
        ctx.log(message, PRIORITY.err);
      };
      let rotated = 0;
      for (const log of found) {
        ctx.signal.throwIfAborted();
        try {
          const outcome = await rotateLog(log, policy, ctx.signal);
          if (!outcome) continue;
          rotated++;
          ctx.log(`rotated ${log.path} (${outcome.bytes} bytes)`);
          for (const path of outcome.removed) ctx.log(`removed ${path}: over ${policy.rotateCount} rotations`);
        } catch (err) {
          failed(`cannot rotate ${log.path}`, err);
        }
      }
      for (const [dir, paths] of byFolder(found.map((l) => l.path))) {
        try {
          for (const path of await capLogFolder(dir, paths, policy.maxFiles))
            ctx.log(`removed ${path}: over ${policy.maxFiles} files in ${dir}`);
        } catch (err) {
          failed(`cannot cap ${dir}`, err);
        }
      }
      ctx.log(`checked ${found.length} logs, rotated ${rotated}`);
      if (failures.length > 0)
        throw new Error(`${failures.length} problem(s) rotating logs, the first: ${failures[0]}`);
    },
  };
}
