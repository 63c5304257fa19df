/**
 * `dcos-minuteman.service` on every node: a TCP proxy on each VIP, fed from the master's state (re-read within
 * 100 ms of a task change, and every 5 s). On one machine every node needs its own VIP addresses, so node i
 * allocates named VIPs from 127.11.i.0/24 — as in DC/OS, a VIP name resolves to the local node's address.
 */
import type { NodeServiceDescriptor } from '../cluster/node-service.ts';
import type { VipNameSource } from '../dns/forwarder/vip-name-source.ts';
import type { UnitBehavior } from '../units/unit.ts';
import { MASTER_UNIT } from '../master/master-service.ts';
import { L4LB_UNIT } from './l4lb.ts';
import { L4lbUnit } from './l4lb-unit.ts';
import { readMinutemanWorkers } from './minuteman-node-config.ts';

export { L4LB_UNIT };

export const l4lbService: NodeServiceDescriptor = {
  unit: L4LB_UNIT,
  description: 'Layer 4 Load Balancer: distributed layer 4 virtual IP load balancer',
  roles: ['master', 'agent', 'agent_public'],
  after: [MASTER_UNIT],
  endpoints: ['l4lb'],
  create: ({ cluster, node, nodeIndex, nodeDir, port, publish }) => {
    const masterNode = cluster.masterNode;
    const lb = new L4lbUnit({
      vipRange: `127.11.${nodeIndex}.0/24`,
      workers: cluster.config.l4lbWorkers,
      readWorkers: () => readMinutemanWorkers(nodeDir),
      api: { host: node.ip, port: port('l4lb') },
      masterStateUrl: () => (masterNode.endpoints.mesos ? `${masterNode.endpoints.mesos}/master/state` : undefined),
    });
    cluster.leader.onClusterChange(() => lb.refresh());
    // Also a VIP name source, so the forwarder (a peer on this node) answers VIP names from it.
    const behavior: UnitBehavior & VipNameSource = {
      start: async (ctx) => {
        await lb.start(ctx);
        publish('l4lb', lb.apiUrl!);
      },
      stop: () => lb.stop(),
      resolve: (fqdn) => lb.resolve(fqdn),
      names: () => lb.names(),
    };
    return behavior;
  },
};
