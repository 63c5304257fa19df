/**
 * A Prometheus alerting rule as minidc declares it: the expression is written with `metric()`, which takes a
 * Prometheus name from the metric catalogue (or Prometheus's own `up`) and throws for anything else, so a renamed
 * or removed metric fails the generator instead of leaving a rule that never fires.
 */
import { CATALOGUE } from '../../collectors/catalogue/catalogue.ts';

export type Severity = 'warning' | 'critical';

export interface AlertRule {
  /** CamelCase, as Prometheus alerts are named; also the runbook's section (its anchor is the lower-cased name). */
  readonly alert: string;
  readonly expr: string;
  /** How long the expression must hold before the alert fires (Prometheus duration). */
  readonly for: string;
  readonly severity: Severity;
  /** One line; may use `{{ $labels.x }}` and `{{ $value }}`. */
  readonly summary: string;
  readonly description: string;
}

export interface AlertGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/** Series Prometheus itself makes for every target. */
const PROMETHEUS_SERIES = new Set(['up']);
const CATALOGUE_NAMES = new Set(CATALOGUE.map((e) => e.prometheusName));

/** Suffixes Prometheus adds to a summary's or histogram's name. */
const SERIES_SUFFIXES = ['_bucket', '_count', '_sum'];

/** A series name a rule may query: a catalogue metric (or one of its `_bucket`/`_count`/`_sum` series) or `up`. */
export function metric(name: string): string {
  if (PROMETHEUS_SERIES.has(name) || CATALOGUE_NAMES.has(name)) return name;
  const base = SERIES_SUFFIXES.filter((s) => name.endsWith(s)).map((s) => name.slice(0, -s.length));
  if (base.some((b) => CATALOGUE.some((e) => e.prometheusName === b && (e.type === 'histogram' || e.type === 'summary')))) return name;
  throw new Error(`alert rules: ${name} is not in the metric catalogue`);
}

/** Where a rule's runbook section is, relative to the repository (annotation `runbook_url`). */
export const RUNBOOK = 'dashboards/runbooks.md';
export const runbookUrl = (rule: AlertRule) => `${RUNBOOK}#${rule.alert.toLowerCase()}`;
