/**
 * `minidc collect --master URL [--agent URL …] [--listen ADDR] [--timeout SECS]`: the collectors in external mode.
 * The same collectors the embedded nodes run, pointed at a real Mesos master and its agents (or a minidc cluster
 * known only by its URLs), serving one Prometheus `/metrics` where every series names its target in a `node` label.
 * It lives in app/ because it joins observers (collectors/) to the runtime's hardened HTTP server.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { targetOfUrl, type MesosTarget } from '../collectors/mesos/agent-discovery.ts';
import { MesosClusterTargets } from '../collectors/mesos/mesos-cluster-targets.ts';
import type { CollectorLogLevel } from '../collectors/collector-registry.ts';
import { NodeScrape } from '../collectors/node/node-scrape.ts';
import { metricsPlugin } from '../collectors/prometheus/metrics-plugin.ts';
import { fail } from '../runtime/cli.ts';
import { createHttpServer } from '../runtime/http/http-server.ts';
import { listenHttp } from '../runtime/http/listen-http.ts';
import { systemTime } from '../runtime/time/system-time.ts';
import { oneLineUsageErrors } from './cli/cluster-options.ts';
import { parseListen, runInForeground, secondsFlag, type ListenAddress, type StopForeground } from './foreground-command.ts';

/** DC/OS's Telegraf Prometheus output port, as on every embedded node; loopback unless told otherwise. */
export const DEFAULT_LISTEN = '127.0.0.1:61091';
/**
 * Each collector's cut-off: Datadog's for the Mesos checks, and half Prometheus's default scrape_timeout (10 s),
 * so a scrape with a dead target still answers inside it.
 */
export const DEFAULT_TIMEOUT_SECONDS = 5;
const parseTimeout = secondsFlag(300);

export interface CollectOptions extends ListenAddress {
  master: MesosTarget;
  agents?: MesosTarget[];
  timeoutMs: number;
}

function parseTarget(text: string): MesosTarget {
  try {
    return targetOfUrl(text);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

const log = (level: CollectorLogLevel, message: string) => process.stderr.write(`minidc collect: ${level}: ${message}\n`);

/** Starts serving and resolves with how to stop; startup failures throw one-line errors. */
export async function startCollect(options: CollectOptions, out: (line: string) => void): Promise<StopForeground> {
  const scrape = new NodeScrape({ collectors: [], log });
  const targets = new MesosClusterTargets({
    registry: scrape.registry,
    master: options.master,
    ...(options.agents === undefined ? {} : { agents: options.agents }),
    timeoutMs: options.timeoutMs,
    time: systemTime,
    log,
  });
  const app = createHttpServer({
    onInternalError: (error) => log('error', `HTTP 500 on /metrics: ${error instanceof Error ? error.message : String(error)}`),
  });
  await app.register(metricsPlugin, { exposition: () => scrape.exposition() });
  let url: string;
  try {
    ({ url } = await listenHttp(app, options.host, options.port));
  } catch (err) {
    await app.close();
    throw err;
  }
  // Bound first (a port in use fails at once), then the first discovery, so the first scrape has the agents.
  await targets.start();
  const agents = targets.agents().map((a) => a.address);
  const source = options.agents === undefined ? `discovered from ${options.master.url}/master/slaves` : 'given';
  out(`minidc collect: master ${options.master.address}, ${agents.length} agent(s) ${source}${agents.length > 0 ? `: ${agents.join(', ')}` : ''}`);
  out(`minidc collect: serving ${url}/metrics; Ctrl-C to stop`);
  return async () => {
    targets.stop();
    await app.close();
  };
}

export function installCollectCommand(program: Command): void {
  oneLineUsageErrors(program.command('collect'))
    .description("run the collectors against a Mesos cluster's master and agents (external mode) and serve GET /metrics")
    .requiredOption('--master <url>', 'the Mesos master (e.g. http://10.0.0.1:5050)', parseTarget)
    .option('--agent <url>', 'a Mesos agent (repeat for several); default: every agent in /master/slaves', (text: string, previous: MesosTarget[] = []) => [
      ...previous,
      parseTarget(text),
    ])
    .option('--listen <addr>', `host:port to serve /metrics on, port 0 for any (default ${DEFAULT_LISTEN})`, parseListen)
    .option('--timeout <secs>', `cut-off per collector and target (default ${DEFAULT_TIMEOUT_SECONDS}); keep Prometheus's scrape_timeout larger`, parseTimeout)
    .action(async (opts: { master: MesosTarget; agent?: MesosTarget[]; listen?: ListenAddress; timeout?: number }) => {
      const agents = opts.agent;
      const repeated = agents?.find((a, i) => agents.findIndex((b) => b.address === a.address) !== i);
      if (repeated !== undefined) fail(`--agent ${repeated.address} is given twice`);
      const { host, port } = opts.listen ?? parseListen(DEFAULT_LISTEN);
      const timeoutMs = opts.timeout ?? DEFAULT_TIMEOUT_SECONDS * 1000;
      const options: CollectOptions = { master: opts.master, ...(agents === undefined ? {} : { agents }), host, port, timeoutMs };
      await runInForeground('collect', () => startCollect(options, (line) => process.stdout.write(`${line}\n`)));
    });
}
