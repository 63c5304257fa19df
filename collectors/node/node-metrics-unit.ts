/**
 * `dcos-telegraf.service` as a unit behaviour: the node's metrics endpoint (`GET /metrics`, DC/OS's Telegraf
 * Prometheus output on port 61091). Each start builds the node's collectors afresh and starts host sampling; each
 * stop closes the listener and stops sampling, so a stopped unit leaves nothing running. Collector failures go to
 * the unit's journal once per state change.
 */
import type { FastifyInstance } from 'fastify';
import { metricsPlugin } from '../prometheus/metrics-plugin.ts';
import { nodeCollectors, type NodeCollectorOptions, type NodeCollectors } from './node-collectors.ts';
import { NodeScrape } from './node-scrape.ts';
import { HOST_DISK_SIZE_KEY, readHostDiskSizeOverride } from '../host/host-disk-override.ts';
import type { JournalPriority } from '../../runtime/units/unit-reader.ts';

// syslog priorities (a collector failing is a warning: the node's own component may be fine, only unread).
const WARNING: JournalPriority = 4;
const INFO: JournalPriority = 6;

/** What this unit needs of its unit context (structurally the runtime's UnitContext). */
export interface MetricsUnitContext {
  log(message: string, priority?: JournalPriority): void;
}

export interface NodeMetricsUnitOptions extends NodeCollectorOptions {
  host: string;
  port: number;
  /**
   * The hardened HTTP server every minidc surface uses (limits, JSON errors, 500s written to `log`) and how it
   * binds: given by the composition root, since observers do not import the runtime's HTTP module.
   */
  createServer: (log: MetricsUnitContext['log']) => FastifyInstance;
  listen: (app: FastifyInstance, host: string, port: number) => Promise<{ url: string }>;
}

export class NodeMetricsUnit {
  private app: FastifyInstance | undefined;
  private collectors: NodeCollectors | undefined;
  private scrape: NodeScrape | undefined;
  /** `http://ip:port` once started; kept after a stop, so a restart binds the same port (Prometheus' target). */
  url: string | undefined;

  constructor(private readonly options: NodeMetricsUnitOptions) {}

  /** The running scrape (for the OpenTelemetry export); undefined while stopped. */
  get nodeScrape(): NodeScrape | undefined {
    return this.scrape;
  }

  async start(ctx: MetricsUnitContext): Promise<void> {
    // The node's telegraf config is read at each start, as dcos-telegraf reads its own: a bad one fails the start.
    const hostDiskSizeBytes = await readHostDiskSizeOverride(this.options.dataDir);
    if (hostDiskSizeBytes !== undefined) ctx.log(`${HOST_DISK_SIZE_KEY}: reporting the data dir's filesystem as ${hostDiskSizeBytes} bytes (test aid)`);
    const collectors = nodeCollectors({ ...this.options, ...(hostDiskSizeBytes === undefined ? {} : { hostDiskSizeBytes }) });
    const scrape = new NodeScrape({
      collectors: collectors.collectors,
      log: (level, message) => ctx.log(message, level === 'error' ? WARNING : INFO),
    });
    const app = this.options.createServer((message, priority) => ctx.log(message, priority));
    await app.register(metricsPlugin, { exposition: () => scrape.exposition() });
    // Host sampling starts in the background; until the first reading the host collector reports itself down.
    void collectors.host.start();
    try {
      // An OS-chosen port (0) is chosen once: a restarted unit binds it again rather than move its scrape target.
      const port = this.url === undefined ? this.options.port : Number(new URL(this.url).port);
      const { url } = await this.options.listen(app, this.options.host, port);
      this.url = url;
    } catch (err) {
      collectors.stop();
      await app.close();
      throw err;
    }
    this.app = app;
    this.collectors = collectors;
    this.scrape = scrape;
    ctx.log(`metrics on ${this.url}/metrics (collectors: ${scrape.registry.enabledNames().join(', ')})`);
  }

  async stop(): Promise<void> {
    this.collectors?.stop();
    const app = this.app;
    this.app = undefined;
    this.collectors = undefined;
    this.scrape = undefined;
    await app?.close();
  }
}
