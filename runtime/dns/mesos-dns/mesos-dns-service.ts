/**
 * `dcos-mesos-dns.service` on the master node: the `mesos` zone built from `/master/state` (over HTTP, as Mesos-DNS
 * reads it), rebuilt within ~100 ms of a task change and every 30 s (DC/OS's refreshSeconds) as a safety net.
 */
import type { NodeServiceDescriptor } from '../../cluster/node-service.ts';
import { MASTER_UNIT } from '../../master/master-service.ts';
import { MesosDns } from './mesos-dns.ts';
import { httpStateSource } from './state-source.ts';

export const MESOS_DNS_UNIT = 'dcos-mesos-dns.service';

export const mesosDnsService: NodeServiceDescriptor = {
  unit: MESOS_DNS_UNIT,
  description: 'Mesos DNS: DNS based Service Discovery',
  roles: ['master'],
  after: [MASTER_UNIT],
  endpoints: ['dns', 'mesos_dns'],
  create: ({ cluster, node, port, publish }) => {
    const { config } = cluster;
    let dns: MesosDns | undefined;
    let ports = { dnsPort: port('mesosDns'), httpPort: port('mesosDnsHttp') };
    cluster.leader.onClusterChange(() => dns?.notifyChange());
    return {
      start: async (ctx) => {
        const master = cluster.masterNode.endpoints.mesos!;
        dns = new MesosDns({
          source: httpStateSource(master, 10_000),
          listen: { host: node.ip, ...ports },
          masters: [new URL(master).host],
          // DC/OS turns Mesos-DNS's forwarding off when the cluster has no upstream resolvers.
          ...(config.upstreamResolvers === undefined
            ? {}
            : { resolvers: config.upstreamResolvers, externalOn: config.upstreamResolvers.length > 0 }),
          refreshSeconds: 30,
          notifyDebounceMs: 100,
          log: (message, priority) => ctx.log(message, priority),
          // Its DNS thread died: fail the unit, so it is restarted.
          onFatal: (reason) => ctx.fail(1, `DNS serving failed: ${reason}`),
        });
        const bound = await dns.start();
        // Keep OS-chosen ports across restarts, so endpoints.json stays true.
        ports = { dnsPort: bound.dns!.port, httpPort: Number(new URL(bound.http!).port) };
        publish('dns', `${bound.dns!.host}:${bound.dns!.port}`);
        publish('mesos_dns', bound.http!);
        ctx.log(`serving the mesos zone on ${bound.dns!.host}:${bound.dns!.port} (HTTP ${bound.http})`);
      },
      stop: async () => {
        await dns?.stop();
        dns = undefined;
      },
    };
  },
};
