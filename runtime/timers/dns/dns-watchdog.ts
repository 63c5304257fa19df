/**
 * One run of `dcos-spartan-watchdog.service`: ask this node's forwarder for `ready.spartan`, once more if that
 * fails, and restart the forwarder's unit when neither answers — DC/OS's `host ready.spartan 198.51.100.1 || pkill
 * -9 spartan`, through the unit instead of a signal, so the unit's journal and state show the restart. The reason
 * (the resolver's error) goes to the watchdog's journal; a restart that fails fails the run.
 */
import { PRIORITY } from '../../units/unit-journal.ts';
import type { TimerJob, TimerJobContext } from '../timer-job.ts';
import { probeReadySpartan, READY_NAME, type ReadyProbeOptions } from './ready-spartan-probe.ts';

export interface DnsWatchdogOptions {
  /** The forwarder's unit name, for the journal. */
  unit: string;
  /** The forwarder's DNS address (`ip:port`); undefined until it has bound once. */
  forwarderAddress: () => string | undefined;
  /** Restarts the forwarder's unit; rejects when the restart fails. */
  restartForwarder: () => Promise<void>;
  /** Counted once per restart (the node's `minidc_dns_watchdog_restarts_total`). */
  countRestart: () => void;
  /** Per attempt. Default 1 s. */
  timeoutMs?: number;
  /** Stands in for the DNS lookup in tests. */
  probe?: (server: string, options: ReadyProbeOptions) => Promise<string[]>;
}

/** Two attempts: one lost datagram must not cost the node its DNS for the length of a restart. */
const ATTEMPTS = 2;

export class DnsWatchdog implements TimerJob {
  private readonly probe: NonNullable<DnsWatchdogOptions['probe']>;

  constructor(private readonly options: DnsWatchdogOptions) {
    this.probe = options.probe ?? probeReadySpartan;
  }

  async run(ctx: TimerJobContext): Promise<void> {
    const { unit } = this.options;
    const server = this.options.forwarderAddress();
    // Nothing bound yet: the forwarder's own start (and its Restart=) is in charge, not the watchdog.
    if (server === undefined) throw new Error(`${unit} has no DNS address yet`);
    const errors: string[] = [];
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        await this.probe(server, { timeoutMs: this.options.timeoutMs ?? 1000, signal: ctx.signal });
        if (attempt > 1) ctx.log(`${READY_NAME} answered by ${server} on attempt ${attempt} (first: ${errors[0]})`);
        return;
      } catch (err) {
        ctx.signal.throwIfAborted();
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
    ctx.log(`${READY_NAME} not answered by ${unit} on ${server} (${errors.join('; ')}): restarting ${unit}`, PRIORITY.warning);
    this.options.countRestart();
    try {
      await this.options.restartForwarder();
    } catch (err) {
      throw new Error(`restarting ${unit} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    ctx.log(`restarted ${unit}`, PRIORITY.notice);
  }
}
