/**
 * The collectors of a whole Mesos cluster in one registry, as `minidc collect` runs them: the master's snapshot and
 * roles, and each agent's snapshot and containers, every one registered with a `node` label naming its target
 * (`host:port`). Agents are the ones given, or else those the master lists in `/master/slaves`, re-read every
 * `rediscoverEveryMs` and soon after an agent's scrape fails (it may have left or moved); discovery runs beside
 * the scrapes, never inside one, so an unreachable master cannot slow `/metrics` down by more than its own cut-off.
 */
import type { CollectContext, Collector } from '../collector.ts';
import type { CollectorLog, CollectorRegistry } from '../collector-registry.ts';
import { containersCollector, mesosAgentCollector, mesosMasterCollector, mesosRolesCollector } from './mesos-collectors.ts';
import { discoverAgents, type MesosTarget } from './agent-discovery.ts';
import type { Clock, Timers } from '../../runtime/time/clock.ts';

export interface MesosClusterTargetsOptions {
  registry: CollectorRegistry;
  master: MesosTarget;
  /** Fixed agents; when given, `/master/slaves` is not read. */
  agents?: readonly MesosTarget[];
  /** Each collector's cut-off, and discovery's. */
  timeoutMs: number;
  time: Pick<Clock, 'now'> & Pick<Timers, 'every'>;
  log: CollectorLog;
  /** Default 30 s. */
  rediscoverEveryMs?: number;
  /** A failed agent scrape asks for discovery at most this often. Default 5 s. */
  minRediscoverMs?: number;
}

export class MesosClusterTargets {
  /** Agents by address, with the names of the collectors registered for each. */
  private readonly known = new Map<string, { agent: MesosTarget; collectors: string[] }>();
  private stopLoop: (() => void) | undefined;
  private discovering: Promise<void> | undefined;
  private lastDiscoveryAt = -Infinity;
  /** Undefined until the first discovery, so its first failure is logged. */
  private discoveryUp: boolean | undefined;

  constructor(private readonly options: MesosClusterTargetsOptions) {}

  /** The agents scraped now, by address. */
  agents(): MesosTarget[] {
    return [...this.known.values()].map((k) => k.agent);
  }

  /** Registers the master's collectors and the agents' (discovering them first), then keeps the agents current. */
  async start(): Promise<void> {
    const { registry, master, timeoutMs } = this.options;
    const labels = { node: master.address };
    // The target's own system/* keys: this process's host is not the one being observed.
    registry.register(mesosMasterCollector({ url: () => master.url, includeSystem: true, timeoutMs }), { labels });
    registry.register(mesosRolesCollector({ url: () => master.url, timeoutMs }), { labels });
    if (this.options.agents !== undefined) {
      for (const agent of this.options.agents) this.add(agent, false);
      return;
    }
    await this.discover();
    this.stopLoop = this.options.time.every(this.options.rediscoverEveryMs ?? 30_000, () => this.discover());
  }

  stop(): void {
    this.stopLoop?.();
    this.stopLoop = undefined;
  }

  /** Reads `/master/slaves` once and registers the new agents, unregisters the gone ones; never throws. */
  discover(): Promise<void> {
    this.discovering ??= this.discoverOnce().finally(() => (this.discovering = undefined));
    return this.discovering;
  }

  private async discoverOnce(): Promise<void> {
    this.lastDiscoveryAt = this.options.time.now();
    let found: MesosTarget[];
    try {
      found = await discoverAgents(this.options.master, { timeoutMs: this.options.timeoutMs });
    } catch (err) {
      // Keeps the agents it knows: a master restarting is no reason to drop their series.
      if (this.discoveryUp !== false) this.options.log('error', `agent discovery failed: ${(err as Error).message}`);
      this.discoveryUp = false;
      return;
    }
    if (this.discoveryUp === false) this.options.log('info', 'agent discovery recovered');
    // The first discovery's agents are the starting set (the command prints them); later ones are news.
    const news = this.discoveryUp !== undefined || this.known.size > 0;
    this.discoveryUp = true;
    const addresses = new Set(found.map((a) => a.address));
    for (const agent of found) if (!this.known.has(agent.address)) this.add(agent, news);
    for (const address of [...this.known.keys()]) if (!addresses.has(address)) this.remove(address);
  }

  /** A failed agent scrape: the agent may have left the cluster or moved, so discovery runs soon (not in this scrape). */
  private agentFailed(): void {
    if (this.stopLoop === undefined) return;
    if (this.options.time.now() - this.lastDiscoveryAt < (this.options.minRediscoverMs ?? 5_000)) return;
    void this.discover();
  }

  private add(agent: MesosTarget, logIt: boolean): void {
    const { registry, timeoutMs } = this.options;
    const labels = { node: agent.address };
    const url = () => agent.url;
    const collectors = [mesosAgentCollector({ url, includeSystem: true, timeoutMs }), containersCollector({ url, timeoutMs })];
    for (const c of collectors) registry.register(this.watched(c), { labels });
    this.known.set(agent.address, { agent, collectors: collectors.map((c) => c.name) });
    if (logIt) this.options.log('info', `agent ${agent.address} discovered`);
  }

  private remove(address: string): void {
    for (const name of this.known.get(address)?.collectors ?? []) this.options.registry.unregister(name, { labels: { node: address } });
    this.known.delete(address);
    this.options.log('info', `agent ${address} is no longer listed by the master; its series are dropped`);
  }

  private watched(collector: Collector): Collector {
    return {
      name: collector.name,
      enabledByDefault: collector.enabledByDefault,
      ...(collector.timeoutMs === undefined ? {} : { timeoutMs: collector.timeoutMs }),
      collect: async (context: CollectContext) => {
        try {
          return await collector.collect(context);
        } catch (err) {
          this.agentFailed();
          throw err;
        }
      },
    };
  }
}
