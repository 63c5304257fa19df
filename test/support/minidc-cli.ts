/** Runs the real `minidc` command as a user would, for tests. */
import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstAdminLoginHint } from '../../runtime/adminrouter/auth/first-admin-credential.ts';

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

/**
 * The same, without blocking the event loop: for a test that serves what the command asks (an in-process cluster,
 * a test double) while it runs.
 */
export function minidcAsync(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
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

/** A `minidc start` running in the background, as a user runs it in a terminal. */
export interface RunningMinidc {
  child: import('node:child_process').ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
}

export function startMinidc(args: string[]): RunningMinidc {
  const child = spawn(process.execPath, [BIN, 'start', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, output: () => out, exited };
}

/** Polls until `read` returns a value (not undefined), or fails after `ms`. */
export async function eventually<T>(what: string, read: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await read();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** endpoints.json as the tests read it. */
export interface EndpointsFile {
  cluster: { id: string; name: string };
  nodes: { id: string; ip: string; role: string; hostname: string; units: string[]; endpoints: Record<string, string> }[];
}

/**
 * Waits until a started minidc has written `DATA_DIR/endpoints.json` (and `ready` accepts it); fails at once, with
 * the process's output, if the process exits first.
 */
export async function endpointsOf(run: RunningMinidc, dataDir: string, ms = 60_000, ready: (file: EndpointsFile) => boolean = () => true): Promise<EndpointsFile> {
  const end = Date.now() + ms;
  for (;;) {
    if (run.child.exitCode !== null || run.child.signalCode !== null) throw new Error(`minidc exited before writing endpoints.json: ${run.output()}`);
    const file = await readFile(join(dataDir, 'endpoints.json'), 'utf8').then((text) => JSON.parse(text) as EndpointsFile, () => undefined);
    if (file !== undefined && ready(file)) return file;
    if (Date.now() > end) throw new Error(`no endpoints.json${file === undefined ? '' : ' that is ready'} in ${dataDir} within ${ms} ms: ${run.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Logs in to the cluster of `dataDir` with `minidc auth login` as its first admin (made when it has none), the token
 * store in `configDir`; returns the environment later commands run with, so they go through Admin Router authenticated.
 */
export async function loggedInEnv(dataDir: string, configDir: string): Promise<NodeJS.ProcessEnv> {
  await firstAdminLoginHint(dataDir); // what minidc start does for a cluster started in-process
  const env = { ...process.env, MINIDC_CONFIG_DIR: configDir };
  const r = await minidcAsync(['auth', 'login', '--data-dir', dataDir], { env });
  if (r.status !== 0) throw new Error(`minidc auth login failed: ${r.stderr}`);
  return env;
}
