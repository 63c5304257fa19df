/** The observers themselves: scrape targets, collectors, diagnostics bundles. */
import { metric as m, type AlertGroup } from './alert-rule.ts';
import { AGENT_TARGET, MASTER_TARGET, oneSeriesCases, series } from './rule-cases.ts';
import { FOR } from './thresholds.ts';

const collector = (name: string) => ({ ...AGENT_TARGET, collector: name });
const bundles = (status: string) => ({ ...MASTER_TARGET, type: 'Cluster', status });

export const MONITORING_ALERTS: AlertGroup = {
  name: 'minidc-monitoring',
  rules: [
    {
      alert: 'ScrapeTargetDown',
      expr: `${m('up')} == 0`,
      for: FOR.settledState,
      severity: 'critical',
      summary: 'Prometheus cannot scrape {{ $labels.instance }}',
      description: 'The {{ $labels.job }} target {{ $labels.instance }} did not answer its scrape: the node or its dcos-telegraf is down.',
      // Quiet: one missed scrape (a restart) is shorter than `for`.
      ...oneSeriesCases('up', AGENT_TARGET, { fires: '1 0x12', quiet: '1x5 0 1x6' }),
    },
    {
      alert: 'CollectorDown',
      expr: `${m('minidc_collector_up')} == 0`,
      for: FOR.settledState,
      severity: 'warning',
      summary: 'Collector {{ $labels.collector }} failing on {{ $labels.instance }}',
      description: "The node's {{ $labels.collector }} collector failed or timed out: its metrics are missing from the scrape.",
      firing: {
        input: [series('minidc_collector_up', collector('l4lb_vips'), '1 0x12'), series('minidc_collector_up', collector('host'), '1x12')],
        at: '1m',
        labels: collector('l4lb_vips'),
      },
      quiet: { input: [series('minidc_collector_up', collector('l4lb_vips'), '1x12')], at: '1m' },
    },
    {
      alert: 'DiagnosticsBundleFailed',
      expr: `${m('minidc_diagnostics_bundles')}{status="Failed"} > 0`,
      for: FOR.event,
      severity: 'warning',
      summary: '{{ $value }} {{ $labels.type }} diagnostics bundle(s) failed on {{ $labels.instance }}',
      description: 'A diagnostics bundle job ended Failed: its errors say which node or file could not be collected. The alert clears when the bundle is deleted.',
      firing: {
        input: [series('minidc_diagnostics_bundles', bundles('Failed'), '0 1x12'), series('minidc_diagnostics_bundles', bundles('Done'), '2x12')],
        at: '1m',
        labels: bundles('Failed'),
        value: 1,
      },
      quiet: { input: [series('minidc_diagnostics_bundles', bundles('Failed'), '0x12'), series('minidc_diagnostics_bundles', bundles('Done'), '3x12')], at: '1m' },
    },
  ],
};
