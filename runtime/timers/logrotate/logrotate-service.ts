/**
 * DC/OS's `dcos-logrotate-master` and `dcos-logrotate-agent` timer pairs: every two minutes (DC/OS:
 * `OnUnitActiveSec=2min`; `logrotate_schedule`), each node's logs — unit journals and task sandbox output — are
 * rotated by size with DC/OS's defaults (256 MB, 137 rotations, 162 files per folder).
 */
import type { NodeServiceContext } from '../../cluster/node-service.ts';
import type { ClusterConfig } from '../../cluster/cluster-config.ts';
import type { TimerServiceSpec } from '../timer-service.ts';
import { logrotateJob } from './logrotate-job.ts';
import { nodeLogs } from './node-logs.ts';

function createJob({ cluster: { config }, nodeDir, node }: NodeServiceContext) {
  return logrotateJob({
    logs: () => nodeLogs(nodeDir, node.units),
    policy: { maxSizeBytes: config.logrotateMaxSizeBytes, rotateCount: config.logrotateRotateCount, maxFiles: config.logrotateMaxFiles },
  });
}

const schedule = (config: ClusterConfig): string => config.logrotateSchedule;

export const logrotateMasterService: TimerServiceSpec = {
  name: 'dcos-logrotate-master',
  description: 'Logrotate: Rotates the master node logs',
  roles: ['master'],
  schedule,
  create: createJob,
};

export const logrotateAgentService: TimerServiceSpec = {
  name: 'dcos-logrotate-agent',
  description: 'Logrotate: Rotates the agent node logs',
  roles: ['agent', 'agent_public'],
  schedule,
  create: createJob,
};
