/**
 * `minidc alerts test [--promtool PATH] [--dir DIR]`: checks the shipped alerting rules (`promtool check rules`) and runs their
 * unit tests (`promtool test rules`), printing promtool's own output. Exits 1 with one line when promtool is not
 * installed, or when the check or a test fails; `--dir` runs an edited copy of the two files. CI and an operator editing thresholds get the same verdict.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliError, oneLineUsageErrors, runClusterCommand } from './cluster-options.ts';

export const SHIPPED_RULES_DIR = fileURLToPath(new URL('../../dashboards/prometheus/', import.meta.url));
export const RULE_FILE_NAME = 'minidc-alerts.rules.yml';
export const RULE_TEST_FILE_NAME = 'minidc-alerts.test.yml';

interface AlertsTestOptions {
  promtool: string;
  dir: string;
}

function promtool(binary: string, args: string[]): number {
  const run = spawnSync(binary, args, { encoding: 'utf8', timeout: 120_000 });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
    throw new CliError(`alerts: promtool not found (${binary}); install Prometheus's promtool or pass --promtool PATH`);
  if (run.error) throw new CliError(`alerts: ${binary} ${args.slice(0, 2).join(' ')}: ${run.error.message}`);
  process.stdout.write(run.stdout);
  process.stdout.write(run.stderr);
  return run.status ?? 1;
}

async function runAlertsTest(options: AlertsTestOptions): Promise<number> {
  if (promtool(options.promtool, ['check', 'rules', join(options.dir, RULE_FILE_NAME)]) !== 0) throw new CliError('alerts: promtool check rules failed');
  if (promtool(options.promtool, ['test', 'rules', join(options.dir, RULE_TEST_FILE_NAME)]) !== 0) throw new CliError('alerts: promtool test rules failed');
  return 0;
}

export function installAlertsCommand(program: Command): void {
  const alerts = oneLineUsageErrors(program.command('alerts').description("the Prometheus alerting rules shipped in dashboards/prometheus/"));
  oneLineUsageErrors(alerts.command('test').description('promtool check rules and promtool test rules on the shipped rule file and its unit tests'))
    .option('--promtool <path>', 'the promtool to run (default: promtool on PATH)', 'promtool')
    .option('--dir <dir>', `where ${RULE_FILE_NAME} and ${RULE_TEST_FILE_NAME} are (default: the shipped ones)`, SHIPPED_RULES_DIR)
    .action((options: AlertsTestOptions) => runClusterCommand(() => runAlertsTest(options)));
}
