/**
 * `minidc dashboards check --prometheus URL`: runs every panel query of minidc's Grafana dashboards against a
 * Prometheus and lists the panels with no data and why (metric absent, label mismatch). Exit status 0 when every
 * panel has data, 1 when some have none, 2 when Prometheus cannot be reached (one line), so a script can tell
 * "dashboards would be empty" from "could not ask".
 */
import type { Command } from 'commander';
import { fail } from '../../runtime/cli.ts';
import { checkDashboards, type QueryCheck } from '../../dashboards/grafana/panel-check.ts';
import { DASHBOARDS } from '../../dashboards/grafana/dashboards.ts';
import { PrometheusUnreachable } from '../../dashboards/grafana/prometheus-query-api.ts';
import { renderTable } from './text-table.ts';

export const EXIT_ALL_DATA = 0;
export const EXIT_NO_DATA = 1;
export const EXIT_UNREACHABLE = 2;

interface CheckCommandOptions {
  prometheus: string;
  rateInterval: string;
  json?: boolean;
}

const rows = (checks: readonly QueryCheck[]) => checks.map((c) => [c.dashboard, c.panel, c.refId, c.reason ?? '']);

function report(checks: readonly QueryCheck[]): string {
  const missing = checks.filter((c) => c.verdict === 'no-data');
  const optional = checks.filter((c) => c.verdict === 'optional-no-data');
  const panels = new Set(checks.map((c) => `${c.dashboard}\u0000${c.panel}`)).size;
  const lines: string[] = [];
  const header = ['DASHBOARD', 'PANEL', 'QUERY', 'WHY NO DATA'];
  if (missing.length > 0) lines.push(renderTable([header, ...rows(missing)]), '');
  if (optional.length > 0) lines.push('Without data, as expected on some clusters:', renderTable([header, ...rows(optional)]), '');
  const withData = checks.length - missing.length - optional.length;
  lines.push(`${DASHBOARDS.length} dashboards, ${panels} panels and variables, ${checks.length} queries: ${withData} with data, ${missing.length} without, ${optional.length} optional without`);
  return `${lines.join('\n')}\n`;
}

async function runCheck(options: CheckCommandOptions): Promise<number> {
  let checks: QueryCheck[];
  try {
    checks = await checkDashboards(options.prometheus, DASHBOARDS, { rateInterval: options.rateInterval });
  } catch (err) {
    if (err instanceof PrometheusUnreachable) fail(err.message, EXIT_UNREACHABLE);
    throw err;
  }
  process.stdout.write(options.json ? `${JSON.stringify(checks, null, 2)}\n` : report(checks));
  return checks.some((c) => c.verdict === 'no-data') ? EXIT_NO_DATA : EXIT_ALL_DATA;
}

export function installDashboardsCommand(program: Command): void {
  const dashboards = program.command('dashboards').description("minidc's Grafana dashboards (dashboards/grafana/json/)");
  dashboards
    .command('check')
    .description('run every panel query against a Prometheus; list panels with no data and why (exit 0 all have data, 1 some have none, 2 Prometheus unreachable)')
    .requiredOption('--prometheus <url>', 'base URL of the Prometheus that scrapes the cluster (http://localhost:9090)')
    .option('--rate-interval <duration>', "what Grafana's $__rate_interval stands for: four scrape intervals at least", '1m')
    .option('--json', 'print every query and its verdict as JSON')
    .action(async (options: CheckCommandOptions) => process.exit(await runCheck(options)));
}
