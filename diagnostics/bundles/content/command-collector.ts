/**
 * Output of the commands the host offers, as DC/OS's `LocalCommands`: each run without a shell (except where the
 * command is `/bin/sh -c …`) under a timeout and an output cap, stdout then stderr, into `<cmd joined by _, no />.output`.
 * A binary the host lacks writes that as the file's content (the host does not offer it: not an error); an
 * optional command's failure writes its error text and the output; a required command's non-zero exit keeps the
 * output and is returned as an error.
 */
import { execFile, type ExecFileException } from 'node:child_process';
import { commandFileName } from './bundle-file-names.ts';
import type { BundleCollector } from './collector.ts';

export interface HostCommand {
  command: readonly string[];
  /** Fails without root (`dmesg`) or without systemd (`timedatectl`). */
  optional?: boolean;
}

export const HOST_COMMANDS: readonly HostCommand[] = [
  { command: ['ps', 'aux', 'ww'] },
  { command: ['df', '-h'] },
  { command: ['ip', 'addr'] },
  { command: ['ip', 'route'] },
  { command: ['ss', '-tlnp'] },
  { command: ['uname', '-a'] },
  { command: ['/bin/sh', '-c', 'cat /etc/os-release'] },
  { command: ['dmesg', '-T'], optional: true },
  { command: ['timedatectl'], optional: true },
];

export interface CommandCollectorOptions {
  timeoutMs: number;
  /** Most bytes kept of stdout and of stderr each. */
  maxBytes: number;
  commands?: readonly HostCommand[];
}

interface CommandResult {
  output: Buffer;
  /** Why the command failed; undefined when it exited 0. */
  failure?: string;
  missing?: boolean;
}

export function commandCollectors(options: CommandCollectorOptions): BundleCollector[] {
  return (options.commands ?? HOST_COMMANDS).map(({ command, optional }): BundleCollector => {
    const name = commandFileName(command);
    return {
      name,
      run: async (sink, signal) => {
        const result = await runCommand(command, options, signal);
        signal.throwIfAborted();
        if (result.failure === undefined || result.missing) {
          await sink.add(name, result.failure === undefined ? result.output : `${result.failure}\n`);
          return;
        }
        await sink.add(name, Buffer.concat([Buffer.from(`${result.failure}\n`), result.output]));
        if (!optional) throw new Error(result.failure);
      },
    };
  });
}

function runCommand(command: readonly string[], options: CommandCollectorOptions, signal: AbortSignal): Promise<CommandResult> {
  const [file, ...args] = command as [string, ...string[]];
  const shown = command.join(' ');
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { encoding: 'buffer', timeout: options.timeoutMs, maxBuffer: options.maxBytes, killSignal: 'SIGKILL', signal, env: { ...process.env, LC_ALL: 'C' } },
      (err: ExecFileException | null, stdout: Buffer, stderr: Buffer) => {
        const output = Buffer.concat([stdout, stderr]);
        if (!err) return resolve({ output });
        if (err.code === 'ENOENT') return resolve({ output, failure: `${shown}: not offered by this host (${file} not found)`, missing: true });
        // A long output is still the answer; it is cut and says so.
        if (err.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return resolve({ output: Buffer.concat([output, Buffer.from(`\n(output cut at ${options.maxBytes} bytes)\n`)]) });
        const why =
          err.killed && err.signal === 'SIGKILL' && !signal.aborted
              ? `no result within ${options.timeoutMs} ms (killed)`
              : err.signal
                ? `killed by ${err.signal}`
                : `exited with status ${String(err.code)}`;
        resolve({ output, failure: `${shown}: ${why}` });
      },
    );
  });
}
