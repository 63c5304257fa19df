/**
 * minidc's Minuteman (`dcos-minuteman.service`, one per node): VIPs as real TCP listeners on addresses of a loopback
 * range, proxying to the backends of each VIP, plus the Minuteman HTTP API.
 *
 * Feed it the VIP table (`update`, e.g. with `vipsFromState(GET /master/state)`) or per-VIP changes
 * (`setBackends`); it diffs against what it serves: new VIPs get listeners, removed ones stop accepting while their
 * open connections drain, changed ones get the new backend set. Named VIPs get a stable address in the range and
 * are published for DNS through `resolveName`/`names`.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { isIP } from 'node:net';
import type { DataPlane } from './data-plane.ts';
import { InProcessDataPlane } from './in-process-data-plane.ts';
import { formatIpPort } from './ip-port.ts';
import { l4lbApi, type L4lbApiOptions } from './l4lb-api.ts';
import type { Time } from '../time/clock.ts';
import { systemTime } from '../time/system-time.ts';
import { NamedVipAddresses } from './named-vip-addresses.ts';
import { L4LB_METRICS } from './l4lb-metrics.ts';
import { VipRegistry, type VipsView, type VipView } from './vip-registry.ts';
import { canonicalVipName } from './vip-names.ts';
import {
  normalizeVipTable,
  parseVipLabel,
  vipTargetKey,
  type BackendAddress,
  type VipDefinition,
  type VipTable,
  type VipTarget,
} from './vip-table.ts';
import { WorkerDataPlane } from './worker-data-plane.ts';

export const L4LB_UNIT = 'dcos-minuteman.service';
export const DEFAULT_VIP_RANGE = '127.11.0.0/16';
/** Minuteman's API port in DC/OS. */
export const DEFAULT_L4LB_API_PORT = 61421;

export interface L4lbOptions {
  /** IPv4 CIDR that named VIPs get their addresses from (default 127.11.0.0/16: local on Linux without root). */
  vipRange?: string;
  /** Share one allocator between successive instances (e.g. unit restarts) so names keep their addresses. */
  addresses?: NamedVipAddresses;
  api: { host: string; port: number };
  /** Per backend connect attempt (default 1000 ms). */
  connectTimeoutMs?: number;
  /** Backends tried for one client connection before it is reset (default 3). */
  maxConnectAttempts?: number;
  /** Consecutive failed connects that mark a backend down (default 5, as Minuteman). */
  downAfterFailures?: number;
  /** How long a backend stays down after its last failure (default 30 000 ms, as Minuteman). */
  downForMs?: number;
  /** Retry interval for a VIP whose address:port cannot be bound (default 5000 ms). */
  listenRetryMs?: number;
  /** On stop, how long open connections may drain before they are closed (default 10 000 ms). */
  drainTimeoutMs?: number;
  /** Proxy in this many worker processes; 0 (default) proxies in this process. */
  workers?: number;
  /** Time for the breaker's down periods and (in-process) bind retries; workers' bind retries and socket timeouts use real time. */
  clock?: Time;
  /** Randomness for power of two choices in-process; workers use Math.random. */
  random?: () => number;
  /** Called when a worker process exits unexpectedly (it is restarted). */
  onWorkerExit?: (worker: number, code: number | null, signal: string | null) => void;
  /** Told about every 500 of the API. */
  onApiError?: L4lbApiOptions['onInternalError'];
}

interface AppliedVip {
  /** Backends and name as last sent to the data plane, to skip no-op updates. */
  readonly signature: string;
}

interface PlannedVip {
  readonly ip: string;
  readonly port: number;
  name: string | null;
  readonly backends: Map<string, BackendAddress>;
}

export class L4lb {
  private readonly clock: Time;
  private readonly addresses: NamedVipAddresses;
  private readonly registry: VipRegistry;
  private desired = new Map<string, VipDefinition>();
  private readonly applied = new Map<string, AppliedVip>();
  private nameIndex = new Map<string, string[]>();
  private readonly nameListeners = new Set<() => void>();
  private dataPlane: DataPlane | undefined;
  private api: FastifyInstance | undefined;
  private queue: Promise<void> = Promise.resolve();
  private state: 'new' | 'starting' | 'running' | 'stopped' = 'new';
  private allocationFailures = 0;

  constructor(private readonly options: L4lbOptions) {
    this.clock = options.clock ?? systemTime;
    this.addresses = options.addresses ?? new NamedVipAddresses(options.vipRange ?? DEFAULT_VIP_RANGE);
    this.registry = new VipRegistry({
      clock: this.clock,
      downAfterFailures: options.downAfterFailures ?? 5,
      downForMs: options.downForMs ?? 30_000,
      planes: Math.max(1, options.workers ?? 0),
      onDownChange: (vip, backend, down) => this.dataPlane?.setDown(vip, backend, down),
    });
  }

  /** Starts the data plane (listeners for the VIPs known so far) and the API; resolves with the API's base URL. */
  async start(): Promise<{ api: string }> {
    if (this.state !== 'new') throw new Error(`L4lb cannot start: it is ${this.state}`);
    this.state = 'starting';
    const o = this.options;
    const settings = {
      connectTimeoutMs: o.connectTimeoutMs ?? 1000,
      maxConnectAttempts: o.maxConnectAttempts ?? 3,
      listenRetryMs: o.listenRetryMs ?? 5000,
    };
    this.dataPlane =
      (o.workers ?? 0) > 0
        ? new WorkerDataPlane({
            workers: o.workers!,
            settings,
            events: this.registry,
            ...(o.onWorkerExit ? { onWorkerExit: o.onWorkerExit } : {}),
          })
        : new InProcessDataPlane({
            settings,
            events: this.registry,
            clock: this.clock,
            random: o.random ?? Math.random,
          });
    await this.dataPlane.start();
    await this.enqueue(() => this.apply());
    const app = Fastify({ logger: false });
    try {
      await app.register(l4lbApi, { source: this, ...(o.onApiError ? { onInternalError: o.onApiError } : {}) });
      await app.listen({ host: o.api.host, port: o.api.port });
    } catch (err) {
      await app.close();
      await this.dataPlane.stop(0);
      this.state = 'stopped';
      throw err;
    }
    this.api = app;
    this.state = 'running';
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : o.api.port;
    const host = isIP(o.api.host) === 6 ? `[${o.api.host}]` : o.api.host;
    return { api: `http://${host}:${port}` };
  }

  /** Stops accepting on every VIP and the API; open proxied connections get `drainTimeoutMs` to end. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    await this.api?.close();
    await this.queue;
    await this.dataPlane?.stop(this.options.drainTimeoutMs ?? 10_000);
    this.registry.dispose();
  }

  /** Replaces the whole VIP table. VIPs without backends are dropped, as dcos-l4lb prunes them. */
  update(table: VipTable): Promise<void> {
    this.desired = normalizeVipTable(table);
    return this.enqueue(() => this.apply());
  }

  /**
   * Sets one VIP's backends (empty removes the VIP), for event-driven updates. `vip` is a `VIP_n` label value
   * (`/web:80`, `10.0.0.5:80`, named VIPs under framework `marathon`) or a target.
   */
  setBackends(vip: string | VipTarget, backends: readonly BackendAddress[]): Promise<void> {
    const target = typeof vip === 'string' ? parseVipLabel(vip) : vip;
    if (!target) return Promise.reject(new Error(`invalid VIP "${String(vip)}"`));
    const key = vipTargetKey(target);
    if (backends.length === 0) this.desired.delete(key);
    else this.desired.set(key, normalizeVipTable([{ target, backends }]).get(key)!);
    return this.enqueue(() => this.apply());
  }

  /** Addresses of a named VIP (`web.marathon.l4lb.thisdcos.directory`, or a dclb/global alias), if it exists. */
  resolveName(fqdn: string): string[] | undefined {
    return this.nameIndex.get(canonicalVipName(fqdn));
  }

  /** `resolveName` under the name the DNS forwarder's VIP name source uses, so an L4lb can be passed as one. */
  resolve(fqdn: string): string[] | undefined {
    return this.resolveName(fqdn);
  }

  /** Every named VIP's FQDN with its addresses, for building the DNS zone. */
  names(): Iterable<[string, string[]]> {
    return this.nameIndex.entries();
  }

  /** Calls `listener` whenever the set of names or their addresses changes; returns an unsubscribe function. */
  onNamesChange(listener: () => void): () => void {
    this.nameListeners.add(listener);
    return () => this.nameListeners.delete(listener);
  }

  vips(): VipsView {
    return this.registry.view();
  }

  vip(key: string): VipView | undefined {
    return this.registry.viewOf(key);
  }

  metrics(): Record<string, number> {
    const out: Record<string, number> = {};
    this.registry.metrics(out);
    const w = L4LB_METRICS.writer(out);
    w.set('l4lb/named_vip_addresses', this.addresses.allocated);
    w.set('l4lb/named_vip_allocation_failures', this.allocationFailures);
    return out;
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.queue.then(step);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Brings the data plane and the name index in line with `desired`. */
  private async apply(): Promise<void> {
    const plan = this.plan();
    this.publishNames(plan);
    const dataPlane = this.dataPlane;
    if (!dataPlane || this.state === 'stopped') return;
    for (const key of [...this.applied.keys()]) {
      if (plan.has(key)) continue;
      this.applied.delete(key);
      this.registry.removeVip(key);
      dataPlane.removeVip(key);
    }
    const opening: Promise<void>[] = [];
    for (const [key, vip] of plan) {
      const signature = `${vip.name ?? ''} ${[...vip.backends.keys()].sort().join(',')}`;
      if (this.applied.get(key)?.signature === signature) continue;
      this.applied.set(key, { signature });
      const spec = this.registry.upsertVip(key, vip.ip, vip.port, vip.name, [...vip.backends.values()]);
      opening.push(dataPlane.setVip(spec));
    }
    await Promise.all(opening);
  }

  /** The listeners the desired table asks for, keyed by `ip:port` (two targets on one address:port share it). */
  private plan(): Map<string, PlannedVip> {
    const plan = new Map<string, PlannedVip>();
    for (const def of this.desired.values()) {
      if (def.backends.length === 0) continue;
      let ip: string;
      if (def.target.kind === 'named') {
        try {
          ip = this.addresses.addressOf(def.target.fqdn);
        } catch {
          this.allocationFailures++;
          continue;
        }
      } else {
        ip = def.target.ip;
      }
      const key = formatIpPort(ip, def.target.port);
      let vip = plan.get(key);
      if (!vip) plan.set(key, (vip = { ip, port: def.target.port, name: null, backends: new Map() }));
      if (def.target.kind === 'named') vip.name ??= def.target.fqdn;
      for (const b of def.backends) vip.backends.set(formatIpPort(b.ip, b.port), b);
    }
    return plan;
  }

  private publishNames(plan: Map<string, PlannedVip>): void {
    const next = new Map<string, string[]>();
    for (const vip of plan.values()) if (vip.name !== null && !next.has(vip.name)) next.set(vip.name, [vip.ip]);
    const same =
      next.size === this.nameIndex.size && [...next].every(([n, ips]) => this.nameIndex.get(n)?.[0] === ips[0]);
    this.nameIndex = next;
    if (!same) for (const listener of this.nameListeners) listener();
  }
}
