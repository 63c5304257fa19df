/**
 * How minidc's long-running suite commands (`collect`, `diagnostics --systemd`) run: the flags they share (where to
 * listen, a cut-off in seconds) and the foreground run — start, serve until SIGINT/SIGTERM, stop.
 */
import { InvalidArgumentError } from 'commander';
import { fail } from '../runtime/cli.ts';

export interface ListenAddress {
  host: string;
  /** 0 lets the OS choose. */
  port: number;
}

/** `host:port` (IPv6 as `[::1]:port`). */
export function parseListen(text: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text);
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || port > 65535) throw new InvalidArgumentError('Expected host:port with a port from 0 to 65535 (e.g. 127.0.0.1:61091).');
  return { host: m[1] ?? m[2]!, port };
}

/** A flag's parser of seconds, more than 0 and at most `max`, to ms. */
export function secondsFlag(max: number): (text: string) => number {
  return (text) => {
    const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
    if (!(seconds > 0 && seconds <= max)) throw new InvalidArgumentError(`Expected seconds, more than 0 and at most ${max}.`);
    return Math.round(seconds * 1000);
  };
}

/** What a started foreground command gives back: how to stop it. */
export type StopForeground = () => Promise<void>;

/**
 * Runs `minidc <name>` in the foreground: `start` brings it up (and says where it serves); a failure there is
 * minidc's one line and exit 1. Then it serves until SIGINT/SIGTERM, stops, and exits 0; a second signal while it
 * stops exits at once (130).
 */
export async function runInForeground(name: string, start: () => Promise<StopForeground>): Promise<never> {
  let stop: StopForeground;
  try {
    stop = await start();
  } catch (err) {
    fail((err as Error).message);
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const now = () => process.exit(130);
  process.once('SIGINT', now);
  process.once('SIGTERM', now);
  await stop();
  process.stdout.write(`minidc ${name}: ${signal}: stopped\n`);
  process.exit(0);
}
