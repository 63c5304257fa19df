/**
 * `minidc health [--json] [--fresh]`: the master's cluster health report as a unit × node table, unhealthy cells
 * marked. Exit status 0 when every unit on every node is healthy, 1 when any is not (or a node is unreachable),
 * 2 when the report could not be read, so scripts can tell "unhealthy" from "could not ask".
 */
import type { Command } from 'commander';
import type { ClusterReport } from '../diagnostics/cluster/cluster-report.ts';
import { getJson } from './cli/cluster-http.ts';
import { addClusterOptions, CliError, runClusterCommand, timeoutOf, urlOf, type ClusterOptions } from './cli/cluster-options.ts';
import { healthTable, LEGEND, summarize, summaryLine } from './cli/health-table.ts';

export const EXIT_HEALTHY = 0;
export const EXIT_UNHEALTHY = 1;
export const EXIT_ERROR = 2;

/** How long dcos-diagnostics waits for a fresh pull before giving up (its `?cache=` wait). */
const FRESH_PULL_WAIT_MS = 60_000;

interface HealthOptions extends ClusterOptions {
  json?: boolean;
  fresh?: boolean;
}

function isReport(body: unknown): body is ClusterReport {
  const r = body as ClusterReport | null;
  return typeof r === 'object' && r !== null && 'Nodes' in r && 'Units' in r && (r.Nodes === null || typeof r.Nodes === 'object');
}

async function runHealth(options: HealthOptions): Promise<number> {
  const base = await urlOf('diagnostics', options);
  const url = `${base}/system/health/v1/report${options.fresh ? '?cache=0' : ''}`;
  const body = await getJson(url, timeoutOf(options) + (options.fresh ? FRESH_PULL_WAIT_MS : 0));
  if (!isReport(body)) throw new CliError(`GET ${url}: not a health report ({Units,Nodes,UpdatedTime})`);
  const summary = summarize(body);
  if (options.json) process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  else {
    if (summary.nodes === 0) throw new CliError(`the report at ${url} has no nodes yet (the master has not pulled them); try --fresh`);
    const width = process.stdout.isTTY ? process.stdout.columns : Number(process.env.COLUMNS) || Infinity;
    process.stdout.write(`${healthTable(body, width)}\n\n${LEGEND}\n${summaryLine(summary)}\n`);
  }
  return summary.nodes > 0 && summary.unhealthyUnits === 0 && summary.unreachableNodes === 0 ? EXIT_HEALTHY : EXIT_UNHEALTHY;
}

export function installHealthCommand(program: Command): void {
  addClusterOptions(
    program
      .command('health')
      .description("the cluster's unit health from the master's dcos-diagnostics, as a unit × node table (exit 0 healthy, 1 unhealthy, 2 error)"),
    'diagnostics',
  )
    .option('--json', 'print the report as the master serves it')
    .option('--fresh', 'have the master pull every node first (?cache=0) instead of its last pull')
    .action((options: HealthOptions) => runClusterCommand(() => runHealth(options), EXIT_ERROR));
}
