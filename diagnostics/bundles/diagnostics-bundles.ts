/**
 * A node's bundles as dcos-diagnostics serves them: the node v2 routes on every node and, on a node that pulls the
 * cluster (the master), the cluster v2 routes with their coordinator and the legacy `/report/diagnostics/*` façade
 * over the same jobs (on other nodes the legacy routes answer as DC/OS's agents do). Node bundles and cluster
 * bundles live in two stores under one directory, so the node bundles a cluster bundle makes on the master (and
 * deletes once merged) never show in the cluster's list. Built afresh at each unit start: `recover` first, so a bundle a crash or kill -9
 * interrupted is Failed before anything can list it; `stop` ends every bundle under way (Failed) and waits for it.
 */
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { Clock } from '../../runtime/time/clock.ts';
import type { ClusterNodeRef } from '../cluster/cluster-node.ts';
import type { NodeBundleContent } from './bundle-content.ts';
import { BundleJobs } from './bundle-jobs.ts';
import { BundleStore } from './bundle-store.ts';
import { ClusterBundleCoordinator } from './cluster-bundle-coordinator.ts';
import { clusterBundlePlugin } from './cluster-bundle-plugin.ts';
import { legacyBundleAgentPlugin, legacyBundlePlugin } from './legacy-bundle-plugin.ts';
import { nodeBundlePlugin } from './node-bundle-plugin.ts';

export interface DiagnosticsBundlesOptions {
  /** `<nodeDir>/diagnostics/bundles`; `node/` and `cluster/` below it. */
  dir: string;
  content: NodeBundleContent;
  clock: Clock;
  /** Bundles kept per store (default 10). */
  retention?: number;
  /** Whole-bundle timeout, ms (default 30 min). */
  timeoutMs?: number;
  /** A new bundle is refused (507) with less free than this, bytes. */
  minFreeBytes?: number;
  /** Masters: how the cluster bundle finds and reaches nodes, and the diagnosis its summaryReport.txt opens with. */
  cluster?: {
    discovery: { nodes(): Promise<ClusterNodeRef[]> };
    nodeUrl: (node: ClusterNodeRef) => string | undefined;
    diagnosis: () => Promise<string>;
    /** This master's address and diagnostics port, as the legacy `status/all` and `list/all` key them. */
    masterIp: string;
    masterPort: () => number;
  };
  /** Told of a failure to record a bundle's end. */
  onError: (error: unknown) => void;
}

export class DiagnosticsBundles {
  readonly nodeJobs: BundleJobs;
  readonly clusterJobs: BundleJobs | undefined;
  readonly coordinator: ClusterBundleCoordinator | undefined;

  constructor(private readonly options: DiagnosticsBundlesOptions) {
    const jobs = (sub: string) =>
      new BundleJobs({
        store: new BundleStore({
          dir: join(options.dir, sub),
          clock: options.clock,
          ...(options.retention === undefined ? {} : { retention: options.retention }),
          ...(options.minFreeBytes === undefined ? {} : { minFreeBytes: options.minFreeBytes }),
        }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        onError: options.onError,
      });
    this.nodeJobs = jobs('node');
    const { cluster } = options;
    if (cluster !== undefined) {
      this.clusterJobs = jobs('cluster');
      const { discovery, nodeUrl, diagnosis } = cluster;
      this.coordinator = new ClusterBundleCoordinator({ jobs: this.clusterJobs, clock: options.clock, discovery, nodeUrl, diagnosis });
    }
  }

  private readonly cleanup = new AbortController();
  private cleaning: Promise<void> | undefined;

  /**
   * Marks every bundle a previous run left Started/InProgress Failed; says which (`node bundle <id>`, `cluster
   * bundle <id>`). The node bundles of an interrupted cluster bundle are then deleted on every node in the
   * background (nodes may still be starting).
   */
  async recover(log: (message: string) => void): Promise<string[]> {
    const node = await this.nodeJobs.store.recover();
    const cluster = (await this.clusterJobs?.store.recover()) ?? [];
    if (cluster.length > 0 && this.coordinator !== undefined)
      this.cleaning = this.coordinator.deleteInterrupted(cluster, this.cleanup.signal).then(
        (left) => {
          if (left.length > 0) log(`node bundles of interrupted cluster bundles left on: ${left.join('; ')}`);
        },
        (err: unknown) => log(`node bundles of interrupted cluster bundles not deleted: ${(err as Error).message}`),
      );
    return [...node.map((id) => `node bundle ${id}`), ...cluster.map((id) => `cluster bundle ${id}`)];
  }

  /** The routes, for the node's diagnostics server. */
  readonly plugin: FastifyPluginAsync = async (app) => {
    await app.register(nodeBundlePlugin, { jobs: this.nodeJobs, content: this.options.content });
    const { cluster } = this.options;
    if (this.clusterJobs !== undefined && this.coordinator !== undefined && cluster !== undefined) {
      await app.register(clusterBundlePlugin, { jobs: this.clusterJobs, coordinator: this.coordinator });
      await app.register(legacyBundlePlugin, {
        jobs: this.clusterJobs,
        coordinator: this.coordinator,
        masterIp: cluster.masterIp,
        masterPort: cluster.masterPort,
      });
    } else {
      await app.register(legacyBundleAgentPlugin);
    }
  };

  async stop(): Promise<void> {
    this.cleanup.abort();
    await Promise.all([this.clusterJobs?.stop(), this.nodeJobs.stop(), this.cleaning]);
  }
}
