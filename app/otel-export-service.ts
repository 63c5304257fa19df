/**
 * `minidc-otel-export.service` on the master node, placed only when the OTEL_* variables ask for export: exports
 * the metric catalogue over OTLP (for now the host collector's samples, read on the master node's data dir; the
 * node metrics service's per-node scrape plugs in here), and flushes the SDK when it stops. The cluster stops it
 * after the tasks are killed and the units started after it are stopped, so their spans go out before the process
 * exits. No DC/OS unit does this (DC/OS exported through Telegraf), hence the minidc- name.
 */
import { CollectorRegistry } from '../collectors/collector-registry.ts';
import { HostCollector } from '../collectors/host/host-collector.ts';
import { startCatalogueMetrics, type CatalogueMetrics } from '../collectors/otel/catalogue-metrics.ts';
import type { RunningOtel } from '../collectors/otel/otel-sdk.ts';
import type { NodeServiceDescriptor } from '../runtime/cluster/node-service.ts';
import { PRIORITY } from '../runtime/units/unit-journal.ts';

export const OTEL_EXPORT_UNIT = 'minidc-otel-export.service';

export function otelExportService(otel: RunningOtel): NodeServiceDescriptor {
  return {
    unit: OTEL_EXPORT_UNIT,
    description: 'OpenTelemetry export: the metric catalogue and the runtime traces over OTLP',
    roles: ['master'],
    after: [],
    endpoints: [],
    create: ({ nodeDir }) => {
      let host: HostCollector | undefined;
      let exported: CatalogueMetrics | undefined;
      return {
        start: async (ctx) => {
          const metrics = otel.settings.metrics;
          if (metrics === undefined) return;
          const log = (level: 'error' | 'info', message: string) => ctx.log(message, level === 'error' ? PRIORITY.err : PRIORITY.info);
          host = new HostCollector({ directory: nodeDir, intervalMs: Math.min(metrics.intervalMs, 5000) });
          const registry = new CollectorRegistry({ log });
          registry.register(host);
          await host.start();
          exported = await startCatalogueMetrics(async () => (await registry.scrape()).samples, { log });
          ctx.log(`exporting ${exported.instrumentNames().length} metrics to ${metrics.url} every ${metrics.intervalMs} ms`);
        },
        stop: async () => {
          exported?.stop();
          host?.stop();
          exported = host = undefined;
          await otel.flush();
        },
      };
    },
  };
}
