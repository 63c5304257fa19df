/**
 * `dcos-diagnostics.service` as a unit behaviour: the node's `GET /system/health/v1` and its bundles and, on a node
 * given `pull` (masters), the cluster pull with the aggregated routes and the cluster bundles. Each start builds the
 * server, the pull and the bundle jobs afresh (after marking bundles a crash interrupted Failed); each stop ends the
 * bundles under way, closes the listener and cuts the pull, so a stopped unit leaves nothing running. The port
 * chosen at the first start is kept for restarts, so the address the master polls stays true.
 */
import type { FastifyInstance } from 'fastify';
import type { JournalPriority } from '../runtime/units/unit-reader.ts';
import { ClusterHealthPuller, type ClusterHealthPullerOptions } from './cluster/cluster-health-puller.ts';
import { clusterHealthPlugin } from './cluster/cluster-health-plugin.ts';
import type { ClusterReport } from './cluster/cluster-report.ts';
import { DiagnosticsBundles, type DiagnosticsBundlesOptions } from './bundles/diagnostics-bundles.ts';
import type { NodeHealthResponse, NodeIdentity } from './health/node-health.ts';
import type { UnitSource } from './health/unit-source.ts';
import { nodeTimers } from './health/node-timers.ts';
import { journalRangePlugin } from './logs/journal-range-plugin.ts';
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
  /** The node's bundles; `cluster` given on the node that pulls. Absent: no bundle routes. */
  bundles?: Omit<DiagnosticsBundlesOptions, 'onError'>;
  /** The runtime's hardened HTTP server and how it binds, given by the composition root (as for telegraf). */
  createServer: (log: DiagnosticsUnitContext['log']) => FastifyInstance;
  listen: (app: FastifyInstance, host: string, port: number) => Promise<{ url: string; port: number }>;
}

export class DiagnosticsUnit {
  private app: FastifyInstance | undefined;
  private puller: ClusterHealthPuller | undefined;
  private bundles: DiagnosticsBundles | undefined;
  private port: number;
  /** `http://ip:port` once started. */
  url: string | undefined;

  /** This node's `GET /system/health/v1` body, computed afresh (also what a node bundle carries). */
  readonly nodeHealth: () => Promise<NodeHealthResponse>;

  constructor(private readonly options: DiagnosticsUnitOptions) {
    this.port = options.port;
    const { units, identity, endpoints } = options;
    this.nodeHealth = nodeHealthReader({
      units,
      identity,
      probes: () => nodeProbes(units.unitNames(), endpoints()),
      ...(options.probeTimeoutMs === undefined ? {} : { probeTimeoutMs: options.probeTimeoutMs }),
    });
  }

  async start(ctx: DiagnosticsUnitContext): Promise<void> {
    const health = this.nodeHealth;
    const puller =
      this.options.pull &&
      new ClusterHealthPuller({ ...this.options.pull, onError: (err) => ctx.log(`cluster health pull failed: ${(err as Error).message}`, WARNING) });
    const bundles =
      this.options.bundles &&
      new DiagnosticsBundles({ ...this.options.bundles, onError: (err) => ctx.log(`bundle state not recorded: ${(err as Error).message}`, WARNING) });
    const interrupted = (await bundles?.recover((message) => ctx.log(message, WARNING))) ?? [];
    if (interrupted.length > 0) ctx.log(`bundles interrupted by the last stop, now Failed: ${interrupted.join(', ')}`, WARNING);
    const app = this.options.createServer((message, priority) => ctx.log(message, priority));
    await app.register(nodeHealthPlugin, { health, timers: () => nodeTimers(this.options.units) });
    await app.register(clusterHealthPlugin, { source: puller });
    await app.register(journalRangePlugin, { units: this.options.units, hostname: () => this.options.identity().hostname });
    if (bundles) await app.register(bundles.plugin);
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
    this.bundles = bundles;
    puller?.start();
    ctx.log(`health on ${this.url}/system/health/v1${puller ? ' (pulling every node)' : ''}${bundles ? ', bundles in ' + this.options.bundles!.dir : ''}`);
  }

  async stop(): Promise<void> {
    const { app, puller, bundles } = this;
    this.app = undefined;
    this.puller = undefined;
    this.bundles = undefined;
    // Bundles first: a cluster bundle polls this very server, and each ends Failed with its temp files gone.
    await bundles?.stop();
    await puller?.stop();
    await app?.close();
  }

  /** The cluster health report after a pull made now (masters), for a bundle's diagnosis: the fault just happened. */
  async freshReport(): Promise<ClusterReport> {
    const puller = this.puller;
    if (puller === undefined) throw new Error('this node does not pull the cluster health, or dcos-diagnostics is stopped');
    await puller.pullNow();
    return puller.report();
  }
}
