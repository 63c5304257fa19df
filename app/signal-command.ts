/**
 * `minidc signal --test [--data-dir DIR]`: what dcos-signal.service would send, collected now from the running
 * cluster (found through DATA_DIR/endpoints.json) and printed as the batch body (pretty JSON) instead of sent, as
 * dcos-signal's `-test` flag did. An event whose source fails is left out with a line on stderr; when no source
 * answers, the cluster is not running and the command fails with one line.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { MINIDC_VERSION } from './minidc-version.ts';
import { ClusterIdError, readClusterId } from '../signal/cluster-id.ts';
import { segmentBatch } from '../signal/segment-batch.ts';
import { collect, signalReporters } from '../signal/signal-collection.ts';
import { minidcIdentity } from '../signal/signal-service.ts';
import { CliError, oneLineUsageErrors, runClusterCommand } from './cli/cluster-options.ts';
import { DEFAULT_DATA_DIR, masterEndpoints, readEndpointsFile } from './cli/cluster-url.ts';

interface SignalOptions {
  test?: boolean;
  dataDir?: string;
}

async function runSignalTest(options: SignalOptions): Promise<number> {
  if (!options.test)
    throw new CliError('signal: only --test is supported (dcos-signal.service sends on signal_schedule to signal_endpoint)');
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const { file } = await readEndpointsFile(dataDir, (path, why) => new CliError(`the cluster is not running: ${path} ${why} (start it with minidc start)`));
  let clusterId: string;
  try {
    clusterId = await readClusterId(join(dataDir, 'cluster-id'));
  } catch (err) {
    if (err instanceof ClusterIdError) throw new CliError(err.message);
    throw err;
  }
  const endpoints = masterEndpoints(file);
  const { events, skipped } = await collect({
    identity: { ...minidcIdentity(), clusterId },
    reporters: signalReporters(() => endpoints),
    signal: new AbortController().signal,
  });
  if (events.length === 0) throw new CliError(`the cluster in ${dataDir} is not running (no source answered): ${skipped[0]?.reason ?? 'no sources'}`);
  for (const s of skipped) process.stderr.write(`minidc: signal: ${s.event} left out: ${s.reason}\n`);
  process.stdout.write(`${JSON.stringify(segmentBatch(events, MINIDC_VERSION, new Date()), null, 2)}\n`);
  return 0;
}

export function installSignalCommand(program: Command): void {
  oneLineUsageErrors(
    program.command('signal').description("Signal, DC/OS's telemetry report: --test prints what dcos-signal.service would send"),
  )
    .option('--test', 'collect from the running cluster and print the batch instead of sending it')
    .option('--data-dir <dir>', `where endpoints.json and cluster-id are, as for minidc start (default ${DEFAULT_DATA_DIR})`)
    .action((options: SignalOptions) => runClusterCommand(() => runSignalTest(options)));
}
