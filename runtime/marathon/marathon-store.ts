/**
 * Marathon's durable state (what it kept in ZooKeeper): its framework id, the apps with their versions and
 * deployments, and the tasks it launched. One JSON file replaced atomically; saves that arrive while a write is in
 * flight are folded into the next write, so a burst of task updates costs a couple of writes.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../storage/atomic-file.ts';
import type { Deployment } from './deployments.ts';
import type { MarathonTask } from './task-tracker.ts';

export interface StoredApp {
  /** The run spec as JSON; parsed again on load, so a stored app is validated like a posted one. */
  spec: Record<string, unknown>;
  version: string;
  lastScalingAt: string;
  lastConfigChangeAt: string;
  deployment?: Deployment;
  /** Deleted, with tasks still being killed. */
  deleted?: boolean;
}

export interface StoredState {
  version: 1;
  frameworkId?: string;
  apps: StoredApp[];
  tasks: MarathonTask[];
}

export class MarathonStore {
  private snapshot: (() => StoredState) | undefined;
  private dirty = false;
  private writing: Promise<void> | undefined;
  private waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];

  constructor(readonly file: string) {}

  async load(): Promise<StoredState | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const state = JSON.parse(text) as StoredState;
    if (state.version !== 1) throw new Error(`${this.file}: unsupported state version ${String(state.version)}`);
    return state;
  }

  /** Schedules a write of `snapshot()`, taken when the write starts; resolves once that write is on disk. */
  save(snapshot: () => StoredState): Promise<void> {
    this.snapshot = snapshot;
    this.dirty = true;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.writing ??= this.drain();
    return done;
  }

  /** Resolves when no write is in flight. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      const waiters = this.waiters;
      this.waiters = [];
      try {
        await mkdir(dirname(this.file), { recursive: true });
        await writeFileAtomic(this.file, JSON.stringify(this.snapshot!()));
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
      }
    }
    this.writing = undefined;
  }
}
