/**
 * What every cluster command (`minidc health`, `minidc node …`) takes: `--url`, `--data-dir` (where endpoints.json
 * is) and `--timeout`; and how they fail: one line on stderr, a non-zero exit, no usage dump.
 */
import type { Command } from 'commander';
import { fail } from '../../runtime/cli.ts';
import { secondsFlag } from '../foreground-command.ts';
import { CliHttpError } from './cluster-http.ts';
import { clusterUrl, ClusterUrlError, DEFAULT_DATA_DIR, type ClusterService } from './cluster-url.ts';

/** Per request; dcos-diagnostics' own cut-offs are under it except a fresh pull (`?cache=0`), which adds its 60 s. */
export const DEFAULT_TIMEOUT_SECONDS = 10;
const parseTimeout = secondsFlag(300);

export interface ClusterOptions {
  url?: string;
  dataDir?: string;
  /** Milliseconds. */
  timeout?: number;
}

/** Bad flags are one line, as everywhere in minidc; subcommands created after this inherit it. */
export function oneLineUsageErrors(command: Command): Command {
  return command
    .showHelpAfterError(false)
    .configureOutput({ outputError: (text, write) => write(`minidc: ${text.replace(/^error: /, '').trimEnd()}\n`) });
}

export function addClusterOptions(command: Command, service: ClusterService): Command {
  const which = service === 'mesos' ? "the Mesos master (its own URL, or Admin Router's URL + /mesos" : "the master's dcos-diagnostics (its own URL, or Admin Router's";
  return oneLineUsageErrors(command)
    .option('--url <url>', `${which}; default: the master's Admin Router in DATA_DIR/endpoints.json, with the token of minidc auth login)`)
    .option('--data-dir <dir>', `where endpoints.json is, as for minidc start (default ${DEFAULT_DATA_DIR})`)
    .option('--timeout <secs>', `cut-off per request (default ${DEFAULT_TIMEOUT_SECONDS})`, parseTimeout);
}

export const timeoutOf = (options: ClusterOptions) => options.timeout ?? DEFAULT_TIMEOUT_SECONDS * 1000;

export const urlOf = (service: ClusterService, options: ClusterOptions) =>
  clusterUrl(service, { ...(options.url === undefined ? {} : { url: options.url }), ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }) });

/** A failure the user can act on, already worded; `fail` prints it as minidc's one line. */
export class CliError extends Error {}

/**
 * Runs a command's body and exits with its status; the failures it expects (no cluster URL, an HTTP exchange that
 * failed, a `CliError`) become one line and `errorExit`.
 */
export async function runClusterCommand(body: () => Promise<number>, errorExit = 1): Promise<never> {
  let code: number;
  try {
    code = await body();
  } catch (err) {
    if (err instanceof ClusterUrlError || err instanceof CliHttpError || err instanceof CliError) fail(err.message, errorExit);
    throw err;
  }
  process.exit(code);
}
