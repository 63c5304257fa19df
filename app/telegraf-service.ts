/**
 * `dcos-telegraf.service` on every node: the node's Prometheus `/metrics` (DC/OS's Telegraf output, port 61091),
 * published as the `metrics` endpoint. It starts after the runtime's units and dcos-diagnostics, whose endpoints
 * its collectors read.
 */
import { DIAGNOSTICS_UNIT } from './diagnostics-service.ts';
import { NodeMetricsUnit } from '../collectors/node/node-metrics-unit.ts';
import type { NodeServiceDescriptor } from '../runtime/cluster/node-service.ts';
import { RUNTIME_SERVICES } from '../runtime/cluster/runtime-services.ts';
import { createHttpServer, journalInternalErrors } from '../runtime/http/http-server.ts';
import { listenHttp } from '../runtime/http/listen-http.ts';
import type { UnitBehavior } from '../runtime/units/unit.ts';
import type { Sample } from '../collectors/metric.ts';

/** The unit's behaviour, with the node's samples for the OpenTelemetry export (app/otel-export-service.ts). */
export interface TelegrafBehavior extends UnitBehavior {
  samples(): Promise<Sample[]>;
}

export const TELEGRAF_UNIT = 'dcos-telegraf.service';

export const telegrafService: NodeServiceDescriptor = {
  unit: TELEGRAF_UNIT,
  description: 'Telegraf: collects and serves the node metrics',
  roles: ['master', 'agent', 'agent_public'],
  after: [...RUNTIME_SERVICES.map((s) => s.unit), DIAGNOSTICS_UNIT],
  endpoints: ['metrics'],
  create: ({ node, nodeDir, port, publish }) => {
    const metrics = new NodeMetricsUnit({
      role: node.role,
      ip: node.ip,
      endpoints: () => node.endpoints,
      dataDir: nodeDir,
      host: node.ip,
      port: port('metrics'),
      createServer: (log) => createHttpServer({ onInternalError: journalInternalErrors(log) }),
      listen: listenHttp,
    });
    const behavior: TelegrafBehavior = {
      start: async (ctx) => {
        await metrics.start(ctx);
        publish('metrics', metrics.url!);
      },
      stop: () => metrics.stop(),
      samples: async () => {
        if (metrics.nodeScrape === undefined) throw new Error(`${TELEGRAF_UNIT} is not running`);
        return metrics.nodeScrape.samples();
      },
    };
    return behavior;
  },
};
