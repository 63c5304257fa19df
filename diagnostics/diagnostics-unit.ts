/**
 * `dcos-diagnostics.service` as a unit behaviour: the node's `GET /system/health/v1` and, on a node given `pull`
 * (masters), the cluster pull with the aggregated routes. Each start builds the server and the pull afresh; each
 * stop closes the listener and cuts the pull, so a stopped unit leaves nothing running. The port chosen at the
 * first start is kept for restarts, so the address the master polls stays true.
 */
import type { FastifyInstance } from 'fastify';
import type { JournalPriority } from '../runtime/units/unit-reader.ts';
import { ClusterHealthPuller, type ClusterHealthPullerOptions } from './cluster/cluster-health-puller.ts';
import { clusterHealthPlugin } from './cluster/cluster-health-plugin.ts';
import type { NodeIdentity } from './health/node-health.ts';
import type { UnitSource } from './health/unit-source.ts';
import { nodeHealthPlugin } from './node/node-health-plugin.ts';
import { nodeHealthReader } from './node/node-health-reader.ts';
import { nodeProbes } from './probes/node-probes.ts';

const WARNING: JournalPriority = 4;

/** What this unit needs of its unit context (structurally the runtime's UnitContext). */
export interface DiagnosticsUnitContext {
  log(message: string, priority?: JournalPriority): void;
}

export interface DiagnosticsUnitOptions {
  units: UnitSource;
  identity: () => NodeIdentity;
  /** The node's endpoints (endpoints.json names), for the liveness probes. */
  endpoints: () => Readonly<Record<string, string>>;
  host: string;
  /** 0: the OS picks at the first start. */
  port: number;
  probeTimeoutMs?: number;
  /** Pull every node's health (masters); absent: serve this node's health only. */
  pull?: Omit<ClusterHealthPullerOptions, 'onError'>;
  /** The runtime's hardened HTTP server and how it binds, given by the composition root (as for telegraf). */
  createServer: (log: DiagnosticsUnitContext['log']) => FastifyInstance;
  listen: (app: FastifyInstance, host: string, port: number) => Promise<{ url: string; port: number }>;
}

export class DiagnosticsUnit {
  private app: FastifyInstance | undefined;
  private puller: ClusterHealthPuller | undefined;
  private port: number;
  /** `http://ip:port` once started. */
  url: string | undefined;

  constructor(private readonly options: DiagnosticsUnitOptions) {
    this.port = options.port;
  }

  async start(ctx: DiagnosticsUnitContext): Promise<void> {
    const { units, identity, endpoints } = this.options;
    const health = nodeHealthReader({
      units,
      identity,
      probes: () => nodeProbes(units.unitNames(), endpoints()),
      ...(this.options.probeTimeoutMs === undefined ? {} : { probeTimeoutMs: this.options.probeTimeoutMs }),
    });
    const puller =
      this.options.pull &&
      new ClusterHealthPuller({ ...this.options.pull, onError: (err) => ctx.log(`cluster health pull failed: ${(err as Error).message}`, WARNING) });
    const app = this.options.createServer((message, priority) => ctx.log(message, priority));
    await app.register(nodeHealthPlugin, { health });
    await app.register(clusterHealthPlugin, { source: puller });
    try {
      const bound = await this.options.listen(app, this.options.host, this.port);
      this.port = bound.port;
      this.url = bound.url;
    } catch (err) {
      await app.close();
      throw err;
    }
    this.app = app;
    this.puller = puller;
    puller?.start();
    ctx.log(`health on ${this.url}/system/health/v1${puller ? ' (pulling every node)' : ''}`);
  }

  async stop(): Promise<void> {
    const app = this.app;
    const puller = this.puller;
    this.app = undefined;
    this.puller = undefined;
    await puller?.stop();
    await app?.close();
  }
}
