// What the bundle tests share: a node content the test can hold mid-bundle, a cluster of in-process node bundle
// servers with a master coordinator, raw requests (fetch would resolve `..` before sending) and zip listings.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { BundleSink, NodeBundleContent } from '../../diagnostics/bundles/bundle-content.ts';
import { BundleJobs } from '../../diagnostics/bundles/bundle-jobs.ts';
import { BundleStore } from '../../diagnostics/bundles/bundle-store.ts';
import { ClusterBundleCoordinator } from '../../diagnostics/bundles/cluster-bundle-coordinator.ts';
import { clusterBundlePlugin } from '../../diagnostics/bundles/cluster-bundle-plugin.ts';
import { nodeBundlePlugin } from '../../diagnostics/bundles/node-bundle-plugin.ts';
import type { ClusterNodeRef } from '../../diagnostics/cluster/cluster-node.ts';
import { createHttpServer } from '../../runtime/http/http-server.ts';
import { listenHttp } from '../../runtime/http/listen-http.ts';
import { systemTime } from '../../runtime/time/system-time.ts';

/** Node 20 has no Promise.withResolvers. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Writes two files; `hold` keeps the bundle running until released or aborted (and records the abort). */
export class HeldBundleContent implements NodeBundleContent {
  hold = false;
  errors: string[] = [];
  aborted = 0;
  /** Resolves once a held bundle is inside `write`. */
  entered = deferred();
  release = deferred();
  /** Whether `write` has returned since it was entered. */
  returned = false;

  async write(sink: BundleSink, signal: AbortSignal): Promise<string[]> {
    this.returned = false;
    await sink.add('dcos-mesos-master.service', 'line 1\nline 2\n');
    if (this.hold) {
      this.entered.resolve();
      await new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => {
          this.aborted++;
          resolve();
        });
        void this.release.promise.then(resolve);
      });
    }
    try {
      await sink.add('dcos-diagnostics-health.json', JSON.stringify({ units: [] }));
    } catch {
      // aborted: the sink refuses more files
    }
    this.returned = true;
    return this.errors;
  }
}

export interface BundleCluster {
  dir: string;
  /** Base URL of each node that has a server. */
  urls: Map<string, string>;
  /** Each node's node bundles. */
  stores: Map<string, BundleStore>;
  /** The master's cluster bundles (a store apart, under `<dir>/cluster`). */
  jobs: BundleJobs;
  coordinator: ClusterBundleCoordinator;
  close(): Promise<void>;
}

export interface BundleClusterOptions {
  prefix: string;
  /** The first is the master, which serves the cluster bundle routes and coordinates. */
  nodes: readonly ClusterNodeRef[];
  /** A node's content; undefined: the node has no server (fetch refuses port 1: "bad port"). */
  content: (node: ClusterNodeRef) => NodeBundleContent | undefined;
  /** More plugins on the master, registered after the cluster routes. */
  onMaster?: (app: FastifyInstance, master: { jobs: BundleJobs; coordinator: ClusterBundleCoordinator; url: () => string }) => Promise<void>;
}

export async function startBundleCluster(options: BundleClusterOptions): Promise<BundleCluster> {
  const dir = await mkdtemp(join(tmpdir(), options.prefix));
  const servers: FastifyInstance[] = [];
  const urls = new Map<string, string>();
  const stores = new Map<string, BundleStore>();
  let master: { jobs: BundleJobs; coordinator: ClusterBundleCoordinator } | undefined;
  const [first] = options.nodes;
  for (const node of options.nodes) {
    const content = options.content(node);
    if (content === undefined) continue;
    const store = new BundleStore({ dir: join(dir, node.ip), clock: systemTime });
    stores.set(node.ip, store);
    const jobs = new BundleJobs({ store });
    const app = createHttpServer();
    await app.register(nodeBundlePlugin, { jobs, content });
    if (node === first) {
      // Cluster bundles in a store of their own, as on a running master: the node bundles it makes take their id.
      const clusterJobs = new BundleJobs({ store: new BundleStore({ dir: join(dir, 'cluster'), clock: systemTime }) });
      const coordinator = new ClusterBundleCoordinator({
        jobs: clusterJobs,
        discovery: { nodes: async () => [...options.nodes] },
        nodeUrl: (n) => urls.get(n.ip) ?? `http://${n.ip}:1`,
        diagnosis: async () => `Unhealthy units: none (${options.nodes.length} nodes)`,
        clock: systemTime,
        pollIntervalMs: 50,
      });
      master = { jobs: clusterJobs, coordinator };
      await app.register(clusterBundlePlugin, master);
      await options.onMaster?.(app, { ...master, url: () => urls.get(node.ip)! });
    }
    const { url } = await listenHttp(app, node.ip, 0);
    urls.set(node.ip, url);
    servers.push(app);
  }
  if (master === undefined) throw new Error('the first node (the master) needs a content');
  return {
    dir,
    urls,
    stores,
    ...master,
    close: async () => {
      for (const s of servers) await s.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One request with the target sent as written (fetch's URL parser resolves `..` and `%2e%2e` first). */
export function rawRequest(base: string, method: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

export function zipNames(zip: string): string[] {
  return execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).split('\n').filter((l) => l !== '').sort();
}
