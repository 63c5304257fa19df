/**
 * `dcos-gen-resolvconf.timer` + `.service` on every node: DC/OS's gen_resolvconf.py every minute, writing
 * `<nodeDir>/etc/resolv.conf` (a node of the embedded cluster has no /etc of its own) for the agent to hand to
 * tasks: the node's forwarder when it answers `ready.spartan`, else the upstream resolvers (gen-resolvconf.ts).
 */
import { join } from 'node:path';
import { DNS_FORWARDER_UNIT } from '../../dns/forwarder/dns-forwarder-service.ts';
import { hostNameservers } from '../../dns/mesos-dns/mesos-dns-config.ts';
import type { TimerServiceSpec } from '../timer-service.ts';
import { GenResolvConf } from './gen-resolvconf.ts';

/** Where a node's resolv.conf is written (and where its agent copies it from into each sandbox). */
export function resolvConfPath(nodeDir: string): string {
  return join(nodeDir, 'etc', 'resolv.conf');
}

export const genResolvconfSpec: TimerServiceSpec = {
  name: 'dcos-gen-resolvconf',
  description: 'Generate resolv.conf: points the node resolv.conf at the DNS forwarder, or at the upstreams when it does not answer',
  roles: ['master', 'agent', 'agent_public'],
  after: [DNS_FORWARDER_UNIT],
  schedule: (config) => config.genResolvconfSchedule,
  // Tasks launched before the first whole minute would otherwise get no resolv.conf of the cluster's.
  runAtStart: true,
  runTimeoutMs: 30_000,
  create: ({ cluster, node, nodeDir }) =>
    new GenResolvConf({
      path: resolvConfPath(nodeDir),
      forwarderAddress: () => node.endpoints.dns_forwarder,
      // As the forwarder's own upstreams (dns-forwarder-service.ts).
      upstreams: () => cluster.config.upstreamResolvers ?? hostNameservers(),
      search: cluster.config.dnsSearch,
    }),
};
