/** Runs the real `minidc` command as a user would, for tests. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/minidc.js', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function minidc(args: string[], input?: string): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', timeout: 60_000, cwd: REPO_ROOT });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a scenario through `minidc allocator simulate -` and returns the parsed output lines. */
export function simulate(scenario: unknown): unknown[] {
  const r = minidc(['allocator', 'simulate', '-'], JSON.stringify(scenario));
  if (r.status !== 0) throw new Error(`simulate exited ${r.status}: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}
