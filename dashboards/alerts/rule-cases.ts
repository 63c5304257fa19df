/**
 * Shorthands for the cases declared beside each rule: the scrape labels Prometheus adds (a master's and an agent's
 * dcos-telegraf target) and input series written from a metric name and labels.
 */
import type { AlertRule, InputSeries } from './alert-rule.ts';

/** Scrape labels of a master node's and an agent node's metrics target. */
export const MASTER_TARGET = { instance: '127.0.1.1:61091', job: 'minidc' } as const;
export const AGENT_TARGET = { instance: '127.0.2.1:61091', job: 'minidc' } as const;

/** `name{labels}` with `values` in promtool's notation (`0x20`: 21 samples of 0; `0+1x20`: 0, 1, … 20). */
export function series(name: string, labels: Readonly<Record<string, string>>, values: string): InputSeries {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return { series: pairs.length === 0 ? name : `${name}{${pairs.join(',')}}`, values };
}

/**
 * The two cases of a rule fed one series: the same series with the values that fire and the values that do not,
 * evaluated at `at` (1 min: 12 scrapes). `alert` is the firing alert's labels (default: the series' own) and value.
 */
export function oneSeriesCases(
  name: string,
  labels: Readonly<Record<string, string>>,
  values: { fires: string; quiet: string },
  alert: { labels?: Readonly<Record<string, string>>; value?: number } = {},
  at = '1m',
): Pick<AlertRule, 'firing' | 'quiet'> {
  return {
    firing: { input: [series(name, labels, values.fires)], at, labels: alert.labels ?? labels, ...(alert.value === undefined ? {} : { value: alert.value }) },
    quiet: { input: [series(name, labels, values.quiet)], at },
  };
}
