/**
 * `dcos-marathon.service` on the master node: Marathon as the framework `marathon` with its REST API, state in
 * `<node>/marathon/`. It starts after every agent (it reconciles its tasks as soon as it subscribes, and the master
 * can only answer for agents that have re-registered) and restarts when a new master is elected.
 */
import { join } from 'node:path';
import { HttpBinding } from '../cluster/http-binding.ts';
import type { NodeServiceDescriptor } from '../cluster/node-service.ts';
import { AGENT_UNIT, PUBLIC_AGENT_UNIT } from '../agent/agent-service.ts';
import { MASTER_UNIT } from '../master/master-service.ts';
import { buildMarathonApp } from './marathon-routes.ts';
import { MarathonScheduler } from './marathon-scheduler.ts';

export const MARATHON_UNIT = 'dcos-marathon.service';

export const marathonService: NodeServiceDescriptor = {
  unit: MARATHON_UNIT,
  description: 'Marathon: container orchestration engine',
  roles: ['master'],
  after: [MASTER_UNIT, AGENT_UNIT, PUBLIC_AGENT_UNIT],
  endpoints: ['marathon'],
  create: ({ cluster, node, nodeDir, port, publish }) => {
    const { config, leader } = cluster;
    let scheduler: MarathonScheduler | undefined;
    const http = new HttpBinding(node.ip, port('marathon'), (options) =>
      buildMarathonApp({ scheduler: scheduler!, ...(options.onInternalError ? { onInternalError: options.onInternalError } : {}) }),
    );
    leader.onElected((_master, reelected) => {
      // A Marathon that stayed up re-subscribes with the new master, as it would on a leader change.
      const unit = node.units.get(MARATHON_UNIT);
      if (reelected && unit?.activeState === 'active') void unit.restart().catch(() => undefined);
    });
    return {
      start: async (ctx) => {
        const httpPort = await http.reservePort();
        scheduler = new MarathonScheduler({
          master: { subscribe: async (info, events) => leader.require().subscribe(info, events) },
          dataDir: join(nodeDir, 'marathon'),
          hostname: node.ip,
          httpPort,
          ...(node.endpoints.mesos === undefined ? {} : { masterUrl: node.endpoints.mesos }),
          launchTokens: config.marathonLaunchTokens,
          launchTokenRefreshIntervalMs: config.marathonLaunchTokenRefreshIntervalMs,
          maxInstancesPerOffer: config.marathonMaxInstancesPerOffer,
          log: ctx.log,
          onSubscriptionLost: (m) => ctx.fail(1, m),
        });
        await scheduler.start();
        try {
          publish('marathon', await http.open(ctx.log));
        } catch (err) {
          await scheduler.stop();
          throw err;
        }
      },
      stop: async () => {
        await http.close();
        await scheduler?.stop();
      },
    };
  },
};
