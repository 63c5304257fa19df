/**
 * The data plane is what accepts and proxies connections: one listener per VIP address:port, each with its backend
 * set. It runs in this process or in worker processes (`WorkerDataPlane`); either way it is driven by these commands
 * and reports what happens through `DataPlaneEvents`, so the control plane (`VipRegistry`) holds the one coherent
 * view of connection counts and backend health.
 */

export interface ProxyBackendSpec {
  /** `ip:port` */
  readonly key: string;
  readonly ip: string;
  readonly port: number;
  readonly down: boolean;
}

export interface ProxySpec {
  /** `ip:port` of the VIP */
  readonly key: string;
  readonly ip: string;
  readonly port: number;
  readonly backends: readonly ProxyBackendSpec[];
}

/** What a data plane reports. `plane` tells worker processes apart (0 when in-process). */
export interface DataPlaneEvents {
  listening(vip: string, plane: number): void;
  listenFailed(vip: string, plane: number, error: string): void;
  connected(vip: string, backend: string): void;
  connectFailed(vip: string, backend: string, error: string): void;
  /** A connection reported by `connected` has closed (both sides). */
  closed(vip: string, backend: string): void;
}

export interface DataPlane {
  start(): Promise<void>;
  /** Creates the VIP's listener or replaces its backend set; resolves once the first bind attempt has an outcome. */
  setVip(spec: ProxySpec): Promise<void>;
  /** Stops accepting on the VIP; its open connections go on until they end. */
  removeVip(vip: string): void;
  setDown(vip: string, backend: string, down: boolean): void;
  /** Stops accepting everywhere, lets open connections end for up to `drainMs`, then closes what is left. */
  stop(drainMs: number): Promise<void>;
}

/** Settings a data plane needs wherever it runs (plain data so they can cross to a worker). */
export interface ProxySettings {
  readonly connectTimeoutMs: number;
  readonly maxConnectAttempts: number;
  readonly listenRetryMs: number;
}
