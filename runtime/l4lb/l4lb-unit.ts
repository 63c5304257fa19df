/**
 * `dcos-minuteman.service` as a unit behaviour: each start runs a fresh L4lb (optionally fed by polling
 * `/master/state`), each stop drains it. What outlives restarts lives here: the named-VIP address allocator, so a
 * name keeps its address, and the name source the DNS forwarder holds (`resolve`/`names`), which answers from
 * whichever L4lb is running and knows no names while none is.
 */
import { journalInternalErrors } from '../http/http-server.ts';
import type { UnitBehavior, UnitContext } from '../units/unit.ts';
import { PRIORITY } from '../units/unit-journal.ts';
import { DEFAULT_VIP_RANGE, L4lb, type L4lbOptions } from './l4lb.ts';
import { systemTime } from '../time/system-time.ts';
import { MasterStatePoller } from './master-state-poller.ts';
import { NamedVipAddresses } from './named-vip-addresses.ts';
import type { BackendAddress, VipTable, VipTarget } from './vip-table.ts';

export interface L4lbUnitOptions extends Omit<L4lbOptions, 'addresses'> {
  /**
   * Poll this `/master/state` URL for the VIP table (a function is asked at each start, for a master whose port is
   * only known once it is up); without it, push changes with `update`/`setBackends`.
   */
  masterStateUrl?: string | (() => string | undefined);
  /** Default 5000 ms. */
  pollIntervalMs?: number;
  fetch?: typeof fetch;
  /** Read at each start: this node's `workers` override (minuteman-node-config.ts); a rejection fails the start. */
  readWorkers?: () => Promise<number | undefined>;
}

export class L4lbUnit implements UnitBehavior {
  private readonly addresses: NamedVipAddresses;
  private current: L4lb | undefined;
  private poller: MasterStatePoller | undefined;
  /** The table pushed while stopped (or last pushed), applied at the next start. */
  private pushed: VipTable = [];

  constructor(private readonly options: L4lbUnitOptions) {
    this.addresses = new NamedVipAddresses(options.vipRange ?? DEFAULT_VIP_RANGE);
  }

  /** The API's base URL once started. */
  apiUrl: string | undefined;

  /** The running L4lb, for its API view and metrics; undefined while the unit is not running. */
  get l4lb(): L4lb | undefined {
    return this.current;
  }

  async start(ctx: UnitContext): Promise<void> {
    const { masterStateUrl: urlOption, pollIntervalMs, fetch: fetchImpl, readWorkers, ...lbOptions } = this.options;
    const masterStateUrl = typeof urlOption === 'function' ? urlOption() : urlOption;
    const workers = (await readWorkers?.()) ?? lbOptions.workers;
    const lb = new L4lb({
      ...lbOptions,
      ...(workers === undefined ? {} : { workers }),
      addresses: this.addresses,
      onWorkerExit: (worker, code, signal) =>
        ctx.log(`proxy worker ${worker} exited (code ${code}, signal ${signal}); restarting it`, PRIORITY.warning),
      onApiError: journalInternalErrors(ctx.log),
    });
    await lb.update(this.pushed);
    const { api } = await lb.start();
    this.current = lb;
    this.apiUrl = api;
    ctx.log(`Minuteman API on ${api}`);
    if (masterStateUrl !== undefined) {
      this.poller = new MasterStatePoller({
        url: masterStateUrl,
        intervalMs: pollIntervalMs ?? 5000,
        clock: this.options.clock ?? systemTime,
        onTable: (table) => lb.update(table),
        onHealth: (ok, detail) => ctx.log(detail, ok ? PRIORITY.info : PRIORITY.warning),
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      });
      this.poller.start();
    }
  }

  async stop(): Promise<void> {
    this.poller?.stop();
    this.poller = undefined;
    const lb = this.current;
    this.current = undefined;
    await lb?.stop();
  }

  /** Re-reads `/master/state` shortly (something changed in the cluster); a no-op without a poller. */
  refresh(): void {
    this.poller?.pollSoon();
  }

  /** Replaces the VIP table (kept for the next start when not running). */
  async update(table: VipTable): Promise<void> {
    this.pushed = table;
    await this.current?.update(table);
  }

  /** See `L4lb.setBackends`; only while running. */
  async setBackends(vip: string | VipTarget, backends: readonly BackendAddress[]): Promise<void> {
    if (!this.current) throw new Error('dcos-minuteman.service is not running');
    await this.current.setBackends(vip, backends);
  }

  resolve(fqdn: string): string[] | undefined {
    return this.current?.resolveName(fqdn);
  }

  names(): Iterable<[string, string[]]> {
    return this.current?.names() ?? [];
  }
}
