/**
 * Runs one of systemd's command-line tools (`systemctl`, `journalctl`) the way the backend needs it: under a timeout
 * (SIGKILL, so a tool stuck on D-Bus or a locked journal cannot hold a health request), with its output capped, in
 * the C locale and UTC (so `systemctl show` prints timestamps as `Mon 2026-12-07 03:00:00 UTC`), and failing with one
 * line an operator can act on.
 */
import { execFile, type ExecFileException } from 'node:child_process';

export interface SystemdCommandOptions {
  /** The binary: a name looked up on PATH, or a path. */
  binary: string;
  timeoutMs: number;
  /** Most bytes of stdout (and of stderr) kept; more is a failure, not a silent cut. */
  maxBytes: number;
}

export class SystemdCommandError extends Error {}

/** Resolves with stdout; rejects with a SystemdCommandError naming the command (`systemctl show`) and why. */
export function runSystemdCommand(options: SystemdCommandOptions, args: readonly string[]): Promise<string> {
  const what = `${options.binary} ${args[0] ?? ''}`.trimEnd();
  return new Promise((resolve, reject) => {
    execFile(
      options.binary,
      args,
      {
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: options.maxBytes,
        encoding: 'utf8',
        env: { ...process.env, TZ: 'UTC', LC_ALL: 'C', SYSTEMD_PAGER: '', SYSTEMD_COLORS: '0' },
      },
      (err, stdout, stderr) => {
        if (err === null) return resolve(stdout);
        reject(new SystemdCommandError(`${what}: ${reason(err, options, stderr)}`, { cause: err }));
      },
    );
  });
}

function reason(err: ExecFileException, options: SystemdCommandOptions, stderr: string): string {
  if (err.code === 'ENOENT') return `not found (is this a systemd host? the binary can be given as an option)`;
  if (err.code === 'EACCES') return 'permission denied';
  if (err.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return `output over ${options.maxBytes} bytes`;
  if (err.killed === true && err.signal === 'SIGKILL') return `no answer within ${options.timeoutMs} ms`;
  const firstLine = stderr.split('\n').find((l) => l.trim() !== '')?.trim();
  const status = typeof err.code === 'number' ? `exited with status ${err.code}` : err.signal ? `killed by ${err.signal}` : err.message;
  return firstLine === undefined ? status : `${status}: ${firstLine}`;
}
