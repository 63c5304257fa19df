/**
 * `minidc-otel-export.service` on every node, placed only when the OTEL_* variables ask for export: exports the
 * node's metric catalogue over OTLP, read from its `dcos-telegraf.service` scrape (the same samples its `/metrics`
 * serves) with the node's address and role as attributes (all nodes share one process, so one resource). On the
 * master node it also flushes the SDK when it stops; the cluster stops it after the tasks are killed, so the last
 * spans go out before the process exits. No DC/OS unit does this (DC/OS exported through Telegraf), hence the
 * minidc- name.
 */
import { startCatalogueMetrics, type CatalogueMetrics } from '../collectors/otel/catalogue-metrics.ts';
import type { RunningOtel } from '../collectors/otel/otel-sdk.ts';
import type { NodeServiceDescriptor } from '../runtime/cluster/node-service.ts';
import { PRIORITY } from '../runtime/units/unit-journal.ts';
import { TELEGRAF_UNIT, type TelegrafBehavior } from './telegraf-service.ts';

export const OTEL_EXPORT_UNIT = 'minidc-otel-export.service';

export function otelExportService(otel: RunningOtel): NodeServiceDescriptor {
  return {
    unit: OTEL_EXPORT_UNIT,
    description: 'OpenTelemetry export: the node metric catalogue and the runtime traces over OTLP',
    roles: ['master', 'agent', 'agent_public'],
    after: [TELEGRAF_UNIT],
    endpoints: [],
    create: ({ node, peer }) => {
      let exported: CatalogueMetrics | undefined;
      return {
        start: async (ctx) => {
          const metrics = otel.settings.metrics;
          if (metrics === undefined) return;
          const telegraf = peer(TELEGRAF_UNIT) as TelegrafBehavior | undefined;
          if (telegraf === undefined) throw new Error(`${TELEGRAF_UNIT} is not on this node`);
          exported = await startCatalogueMetrics(() => telegraf.samples(), {
            log: (level, message) => ctx.log(message, level === 'error' ? PRIORITY.warning : PRIORITY.info),
            attributes: { 'minidc.node.ip': node.ip, 'minidc.node.role': node.role },
          });
          ctx.log(`exporting ${exported.instrumentNames().length} metrics to ${metrics.url} every ${metrics.intervalMs} ms`);
        },
        stop: async () => {
          exported?.stop();
          exported = undefined;
          if (node.role === 'master') await otel.flush();
        },
      };
    },
  };
}
