/**
 * `dcos-signal.timer` + `dcos-signal.service` on the master, as DC/OS had them: a timer (hourly by default, as
 * DC/OS until 2019) triggering one Signal run. This is the timer contract's TimerServiceSpec
 * (runtime/timers/timer-service.ts), placed by app/node-services.ts. It is typed by the little it reads of the
 * node service context, since observers import no runtime module: the structural match is checked where the
 * composition root hands it to `timerServices`.
 */
import { join } from 'node:path';
import { MINIDC_VERSION } from '../app/minidc-version.ts';
import { SignalJob } from './signal-job.ts';
import type { MasterEndpoints } from './signal-sources.ts';
import type { SignalIdentity } from './track-event.ts';

export const SIGNAL_SERVICE_NAME = 'dcos-signal';

/** The config keys Signal reads (runtime/cluster/cluster-config.ts). */
export interface SignalConfig {
  readonly dataDir: string;
  readonly telemetryEnabled: boolean;
  readonly signalEndpoint?: string;
  readonly signalSchedule: string;
}

/** What Signal reads of its node service context. */
export interface SignalServiceContext {
  readonly cluster: { readonly config: SignalConfig; readonly masterNode: { readonly endpoints: MasterEndpoints } };
  readonly nodeDir: string;
}

/** What minidc reports itself as: DC/OS's `gen_platform`/`gen_provider`, and its version unless DCOS_VERSION says. */
export function minidcIdentity(env: NodeJS.ProcessEnv = process.env): Omit<SignalIdentity, 'clusterId'> {
  return { environmentVersion: env.DCOS_VERSION ?? MINIDC_VERSION, platform: 'minidc', provider: 'onprem' };
}

export const signalService = {
  name: SIGNAL_SERVICE_NAME,
  description: 'DC/OS Signal: sends a periodic report of cluster health and usage, when an endpoint is configured',
  roles: ['master'] as const,
  after: ['dcos-mesos-master.service', 'dcos-marathon.service', 'dcos-diagnostics.service'],
  schedule: (config: SignalConfig) => config.signalSchedule,
  // Sources run in parallel (15 s each) and a send is at most 3 attempts of 15 s with 1 + 2 s between them.
  runTimeoutMs: 2 * 60_000,
  create: ({ cluster, nodeDir }: SignalServiceContext) =>
    new SignalJob({
      enabled: cluster.config.telemetryEnabled,
      ...(cluster.config.signalEndpoint === undefined ? {} : { endpoint: cluster.config.signalEndpoint }),
      clusterIdPath: join(cluster.config.dataDir, 'cluster-id'),
      statusPath: join(nodeDir, 'signal', 'status.json'),
      endpoints: () => cluster.masterNode.endpoints,
      identity: minidcIdentity(),
      libraryVersion: MINIDC_VERSION,
    }),
};
