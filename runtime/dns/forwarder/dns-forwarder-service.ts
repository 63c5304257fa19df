/**
 * `dcos-spartan.service` on every node: `*.mesos` to Mesos-DNS, VIP names and other `thisdcos.directory` names
 * answered locally (VIP names from this node's VIP layer), `ready.spartan`, everything else to the upstreams.
 */
import { HttpBinding } from '../../cluster/http-binding.ts';
import type { NodeServiceDescriptor } from '../../cluster/node-service.ts';
import { createHttpServer } from '../../http/http-server.ts';
import { L4LB_UNIT } from '../../l4lb/l4lb-service.ts';
import type { UnitBehavior } from '../../units/unit.ts';
import { MESOS_DNS_UNIT } from '../mesos-dns/mesos-dns-service.ts';
import { hostNameservers } from '../mesos-dns/mesos-dns-config.ts';
import { DnsForwarder } from './dns-forwarder.ts';
import { forwarderHttpApi } from './forwarder-http-api.ts';
import type { VipNameSource } from './vip-name-source.ts';

export const DNS_FORWARDER_UNIT = 'dcos-spartan.service';

/** The forwarder's unit behaviour, as the node's DNS watchdog finds it (its peer). */
export interface DnsForwarderBehavior extends UnitBehavior {
  /** The watchdog is restarting this forwarder: `dns/watchdog_restarts` in its metrics, counted across restarts. */
  countWatchdogRestart(): void;
}

export function isDnsForwarderBehavior(behavior: UnitBehavior | undefined): behavior is DnsForwarderBehavior {
  return behavior !== undefined && 'countWatchdogRestart' in behavior;
}

export const dnsForwarderService: NodeServiceDescriptor = {
  unit: DNS_FORWARDER_UNIT,
  description: 'DNS Forwarder (Spartan): forwards DNS requests to multiple DNS servers',
  roles: ['master', 'agent', 'agent_public'],
  // Mesos-DNS's address is read at start; the VIP layer is read per query, so it need not be up first.
  after: [MESOS_DNS_UNIT],
  endpoints: ['dns_forwarder', 'dns_forwarder_api'],
  create: ({ cluster, node, port, publish, peer }): DnsForwarderBehavior => {
    const { config } = cluster;
    let forwarder: DnsForwarder | undefined;
    let watchdogRestarts = 0;
    let dnsPort = port('dnsForwarder');
    const http = new HttpBinding(node.ip, port('dnsForwarderApi'), async (options) => {
      const app = createHttpServer(options);
      await app.register(forwarderHttpApi, {
        metrics: () => forwarder && { ...forwarder.metricsSnapshot(), 'dns/watchdog_restarts': watchdogRestarts },
        setHung: (hung) => {
          forwarder?.setHung(hung);
          return forwarder !== undefined;
        },
      });
      return app;
    });
    // This node's VIP layer, asked lazily: it is placed on the node after this unit.
    const vipLayer = (): VipNameSource | undefined => {
      const layer = peer(L4LB_UNIT);
      return layer && 'resolve' in layer && 'names' in layer ? (layer as VipNameSource) : undefined;
    };
    const vips: VipNameSource = {
      resolve: (fqdn) => vipLayer()?.resolve(fqdn),
      names: () => vipLayer()?.names() ?? [],
    };
    return {
      start: async (ctx) => {
        const mesosDns = cluster.masterNode.endpoints.dns;
        forwarder = new DnsForwarder({
          listen: { host: node.ip, port: dnsPort },
          mesosResolvers: mesosDns ? [mesosDns] : [],
          upstreamResolvers: config.upstreamResolvers ?? hostNameservers(),
          vips,
          masterIps: [config.masterIp],
          nodeIp: node.ip,
          publicIps: node.role === 'agent_public' ? [node.ip] : [],
          log: (message, priority) => ctx.log(message, priority),
        });
        const bound = await forwarder.start();
        dnsPort = bound.port;
        publish('dns_forwarder', `${bound.host}:${bound.port}`);
        try {
          publish('dns_forwarder_api', await http.open(ctx.log));
        } catch (err) {
          await forwarder.stop();
          throw err;
        }
      },
      stop: async () => {
        await http.close();
        await forwarder?.stop();
        forwarder = undefined;
      },
      countWatchdogRestart: () => void watchdogRestarts++,
    };
  },
};
