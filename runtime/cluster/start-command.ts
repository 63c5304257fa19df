/**
 * `minidc start`: runs the cluster in the foreground until SIGINT/SIGTERM. Startup problems (bad config, a port in
 * use, a data dir held by another minidc) end in one line on stderr and a non-zero exit with nothing left running.
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { removeStaleTempFiles } from '../storage/stale-temp-sweep.ts';
import { firstAdminLoginHint } from '../adminrouter/auth/first-admin-credential.ts';
import { Cluster } from './cluster.ts';
import { loadClusterConfig, type StartFlags } from './cluster-config.ts';
import type { NodeServiceDescriptor } from './node-service.ts';
import { RUNTIME_SERVICES } from './runtime-services.ts';
import { deploySampleApp } from './sample-app.ts';

export class StartError extends Error {}

/** One minidc per data dir: two would fight over the registry and the sandboxes. */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, 'minidc.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const f = await open(path, 'wx', 0o600);
      await f.writeFile(`${process.pid}\n`);
      await f.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid))
        throw new StartError(`data dir ${dataDir} is in use by minidc pid ${pid}`);
      await rm(path, { force: true });
    }
  }
  throw new StartError(`cannot lock data dir ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function endpointsTable(cluster: Cluster): string {
  const rows: string[][] = [['NODE', 'ROLE', 'NAME', 'ENDPOINT']];
  for (const node of cluster.nodes) {
    let first = true;
    for (const [name, url] of Object.entries(node.endpoints).sort()) {
      rows.push([first ? node.ip : '', first ? node.role : '', name, url]);
      first = false;
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** Runs the cluster; resolves with the exit code once it has been stopped by a signal. */
export async function runStart(
  flags: StartFlags,
  out: (line: string) => void,
  services: readonly NodeServiceDescriptor[] = RUNTIME_SERVICES,
): Promise<number> {
  const config = loadClusterConfig(flags);
  const unlock = await lockDataDir(config.dataDir);
  let cluster: Cluster;
  let loginHint: string | undefined;
  try {
    // Holding the lock, no write can be under way: any temp file is a crash's leftover.
    for (const path of await removeStaleTempFiles(config.dataDir, { skip: isSandboxRoot }))
      out(`minidc: removed ${path}, left by an interrupted write`);
    loginHint = config.adminrouterAuthEnabled ? await firstAdminLoginHint(config.dataDir) : undefined;
    cluster = new Cluster(config, services);
  } catch (err) {
    await unlock();
    throw new StartError(rootMessage(err));
  }
  let stopping: Promise<number> | undefined;
  const stop = (signal: string): Promise<number> =>
    (stopping ??= (async () => {
      out(`minidc: ${signal}: killing tasks and stopping units…`);
      try {
        await cluster.stop();
        out('minidc: stopped');
        return 0;
      } catch (err) {
        out(`minidc: stopped with errors: ${(err as Error).message}`);
        return 1;
      } finally {
        await unlock();
      }
    })());
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  const onSignal = (signal: NodeJS.Signals) => {
    // A second signal while stopping means "now": the operator has waited enough.
    if (stopping) process.exit(130);
    void stop(signal).then(resolveDone);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await cluster.start();
    if (config.sampleApp) await deploySampleApp(cluster, out);
  } catch (err) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cluster.stop().catch(() => undefined);
    await unlock();
    throw new StartError(rootMessage(err));
  }
  const path = await cluster.writeEndpoints();
  out(`minidc: cluster '${config.clusterName}' (${cluster.id}) is up; data in ${config.dataDir}`);
  out(endpointsTable(cluster));
  const statusPage = cluster.nodes.find((n) => n.role === 'master')?.endpoints.adminrouter;
  if (statusPage !== undefined) out(`minidc: status page: ${statusPage}/`);
  if (loginHint !== undefined) out(loginHint);
  out(`minidc: endpoints written to ${path}; Ctrl-C to stop`);
  const code = await done;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return code;
}

/** An agent's `slaves/` tree holds the task sandboxes, whose files are the tasks' own. */
function isSandboxRoot(dir: string): boolean {
  return basename(dir) === 'slaves' && basename(dirname(dir)) === 'mesos-agent';
}

/** The innermost message of a start failure (a unit error wraps the component's own). */
function rootMessage(err: unknown): string {
  let e: unknown = err;
  while (e instanceof AggregateError && e.errors.length > 0) e = e.errors[0];
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}
