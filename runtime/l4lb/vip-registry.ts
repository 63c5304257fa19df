/**
 * The control plane's view of every VIP: which backends it has, their connection counts and connect outcomes, their
 * circuit breakers, and whether each data plane is listening. It consumes the data planes' events (so counts from
 * several worker processes add up in one place) and is what the API and metrics read.
 *
 * A backend removed from its VIP, or a VIP removed from the table, stays here as `draining` while it still has open
 * connections, then disappears.
 */
import { BackendBreaker } from './backend-breaker.ts';
import type { DataPlaneEvents, ProxySpec } from './data-plane.ts';
import { formatIpPort, parseIpPort } from './ip-port.ts';
import type { Time } from '../time/clock.ts';
import type { BackendAddress } from './vip-table.ts';
import { L4LB_METRICS } from './l4lb-metrics.ts';

export interface BackendView {
  state: 'up' | 'down' | 'draining';
  is_healthy: boolean;
  active_connections: number;
  total_successes: number;
  total_failures: number;
  consecutive_failures: number;
}

export interface ListenerView {
  state: 'pending' | 'listening' | 'failed';
  error: string | null;
}

export interface VipView {
  /** FQDN of a named VIP, null for a VIP given by address. */
  name: string | null;
  state: 'active' | 'draining';
  listener: ListenerView;
  backends: Record<string, BackendView>;
}

export interface VipsView {
  vips: Record<string, VipView>;
}

export interface VipRegistryOptions {
  clock: Time;
  downAfterFailures: number;
  downForMs: number;
  /** How many data planes report listen outcomes (worker processes, or 1). */
  planes: number;
  /** A backend's down flag changed; the data planes must hear of it. */
  onDownChange(vip: string, backend: string, down: boolean): void;
}

interface BackendRecord {
  readonly key: string;
  readonly ip: string;
  readonly port: number;
  inSet: boolean;
  active: number;
  successes: number;
  failures: number;
  readonly breaker: BackendBreaker;
  /** What the data planes were last told. */
  markedDown: boolean;
  upTimer: unknown;
}

interface VipRecord {
  readonly key: string;
  readonly ip: string;
  readonly port: number;
  name: string | null;
  inTable: boolean;
  readonly backends: Map<string, BackendRecord>;
  readonly listen: Map<number, string | null>; // plane → null when listening, else the error
}

export class VipRegistry implements DataPlaneEvents {
  private readonly vipRecords = new Map<string, VipRecord>();
  private connectionsTotal = 0;
  private connectFailuresTotal = 0;

  constructor(private readonly options: VipRegistryOptions) {}

  /** Records the VIP's backend set and returns what the data planes need to serve it. */
  upsertVip(
    key: string,
    ip: string,
    port: number,
    name: string | null,
    backends: readonly BackendAddress[],
  ): ProxySpec {
    const vip = this.vipRecord(key, ip, port);
    vip.name = name;
    vip.inTable = true;
    const keep = new Set<string>();
    for (const b of backends) {
      const record = this.backendRecord(vip, formatIpPort(b.ip, b.port), b.ip, b.port);
      record.inSet = true;
      keep.add(record.key);
    }
    for (const record of vip.backends.values()) if (!keep.has(record.key)) record.inSet = false;
    this.prune(vip);
    return {
      key,
      ip,
      port,
      backends: [...keep].map((k) => {
        const r = vip.backends.get(k)!;
        return { key: r.key, ip: r.ip, port: r.port, down: r.markedDown };
      }),
    };
  }

  removeVip(key: string): void {
    const vip = this.vipRecords.get(key);
    if (!vip) return;
    vip.inTable = false;
    vip.listen.clear();
    for (const record of vip.backends.values()) record.inSet = false;
    this.prune(vip);
  }

  has(key: string): boolean {
    return this.vipRecords.has(key);
  }

  // ── data plane events ──

  listening(vip: string, plane: number): void {
    this.vipRecords.get(vip)?.listen.set(plane, null);
  }

  listenFailed(vip: string, plane: number, error: string): void {
    this.vipRecords.get(vip)?.listen.set(plane, error);
  }

  connected(vip: string, backend: string): void {
    const record = this.eventBackend(vip, backend);
    if (!record) return;
    this.connectionsTotal++;
    record.active++;
    record.successes++;
    if (record.breaker.recordSuccess(this.options.clock.now()) || record.markedDown) this.markDown(vip, record, false);
  }

  connectFailed(vip: string, backend: string): void {
    const record = this.eventBackend(vip, backend);
    if (!record) return;
    this.connectFailuresTotal++;
    record.failures++;
    const { clock, downForMs } = this.options;
    if (record.breaker.recordFailure(clock.now())) {
      this.markDown(vip, record, true);
      clock.clearTimeout(record.upTimer);
      record.upTimer = clock.setTimeout(() => this.downPeriodOver(vip, record), downForMs);
    }
    this.pruneBackend(this.vipRecords.get(vip)!, record);
  }

  closed(vip: string, backend: string): void {
    const vipRecord = this.vipRecords.get(vip);
    const record = vipRecord?.backends.get(backend);
    if (!vipRecord || !record) return;
    record.active = Math.max(0, record.active - 1);
    this.pruneBackend(vipRecord, record);
  }

  // ── views ──

  view(): VipsView {
    const vips: Record<string, VipView> = {};
    for (const vip of this.vipRecords.values()) vips[vip.key] = this.vipView(vip);
    return { vips };
  }

  viewOf(key: string): VipView | undefined {
    const vip = this.vipRecords.get(key);
    return vip ? this.vipView(vip) : undefined;
  }

  /** Writes the registry's `l4lb/*` keys into `out`. */
  metrics(out: Record<string, number>): void {
    let vips = 0;
    let notListening = 0;
    let backends = 0;
    let down = 0;
    let active = 0;
    for (const vip of this.vipRecords.values()) {
      if (vip.inTable) {
        vips++;
        if (this.listenerView(vip).state !== 'listening') notListening++;
      }
      for (const b of vip.backends.values()) {
        active += b.active;
        if (!b.inSet) continue;
        backends++;
        if (b.markedDown) down++;
      }
    }
    const w = L4LB_METRICS.writer(out);
    w.set('l4lb/vips', vips);
    w.set('l4lb/vips_not_listening', notListening);
    w.set('l4lb/backends', backends);
    w.set('l4lb/backends_down', down);
    w.set('l4lb/active_connections', active);
    w.set('l4lb/connections_total', this.connectionsTotal);
    w.set('l4lb/connect_failures_total', this.connectFailuresTotal);
  }

  dispose(): void {
    for (const vip of this.vipRecords.values())
      for (const b of vip.backends.values()) this.options.clock.clearTimeout(b.upTimer);
  }

  // ── internals ──

  private vipRecord(key: string, ip: string, port: number): VipRecord {
    let vip = this.vipRecords.get(key);
    if (!vip) {
      vip = { key, ip, port, name: null, inTable: false, backends: new Map(), listen: new Map() };
      this.vipRecords.set(key, vip);
    }
    return vip;
  }

  private backendRecord(vip: VipRecord, key: string, ip: string, port: number): BackendRecord {
    let record = vip.backends.get(key);
    if (!record) {
      const { downAfterFailures, downForMs } = this.options;
      record = {
        key,
        ip,
        port,
        inSet: false,
        active: 0,
        successes: 0,
        failures: 0,
        breaker: new BackendBreaker(downAfterFailures, downForMs),
        markedDown: false,
        upTimer: undefined,
      };
      vip.backends.set(key, record);
    }
    return record;
  }

  /**
   * The record an event is about. A worker may report a connect that completed after the backend (or VIP) was
   * removed and already pruned; it is brought back as draining so its connection is still counted until it closes.
   */
  private eventBackend(vipKey: string, backendKey: string): BackendRecord | undefined {
    const known = this.vipRecords.get(vipKey)?.backends.get(backendKey);
    if (known) return known;
    const vipAddr = parseIpPort(vipKey);
    const backendAddr = parseIpPort(backendKey);
    if (!vipAddr || !backendAddr) return undefined;
    const vip = this.vipRecord(vipKey, vipAddr.ip, vipAddr.port);
    return this.backendRecord(vip, backendKey, backendAddr.ip, backendAddr.port);
  }

  private markDown(vip: string, record: BackendRecord, down: boolean): void {
    if (!down) {
      this.options.clock.clearTimeout(record.upTimer);
      record.upTimer = undefined;
    }
    if (record.markedDown === down) return;
    record.markedDown = down;
    if (record.inSet) this.options.onDownChange(vip, record.key, down);
  }

  private downPeriodOver(vip: string, record: BackendRecord): void {
    record.upTimer = undefined;
    if (!record.breaker.isDown(this.options.clock.now())) this.markDown(vip, record, false);
  }

  /** Forgets backends that are neither in the set nor serving connections, and a removed VIP once it is empty. */
  private prune(vip: VipRecord): void {
    for (const record of vip.backends.values()) this.pruneBackend(vip, record);
    if (!vip.inTable && vip.backends.size === 0) this.vipRecords.delete(vip.key);
  }

  /** `prune` for one backend, so a connection event costs O(1) however many backends the VIP has. */
  private pruneBackend(vip: VipRecord, record: BackendRecord): void {
    if (record.inSet || record.active > 0) return;
    this.options.clock.clearTimeout(record.upTimer);
    vip.backends.delete(record.key);
    if (!vip.inTable && vip.backends.size === 0) this.vipRecords.delete(vip.key);
  }

  private listenerView(vip: VipRecord): ListenerView {
    let error: string | null = null;
    for (const e of vip.listen.values()) if (e !== null) error = e;
    if (error !== null) return { state: 'failed', error };
    return { state: vip.listen.size >= this.options.planes ? 'listening' : 'pending', error: null };
  }

  private vipView(vip: VipRecord): VipView {
    const backends: Record<string, BackendView> = {};
    for (const b of vip.backends.values()) {
      backends[b.key] = {
        state: !b.inSet ? 'draining' : b.markedDown ? 'down' : 'up',
        is_healthy: !b.markedDown,
        active_connections: b.active,
        total_successes: b.successes,
        total_failures: b.failures,
        consecutive_failures: b.breaker.consecutiveFailures,
      };
    }
    return {
      name: vip.name,
      state: vip.inTable ? 'active' : 'draining',
      listener: vip.inTable ? this.listenerView(vip) : { state: 'pending', error: null },
      backends,
    };
  }
}
