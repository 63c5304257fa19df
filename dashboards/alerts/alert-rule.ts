/**
 * A Prometheus alerting rule as minidc declares it: the expression is written with `metric()`, which takes a
 * Prometheus name from the metric catalogue (or Prometheus's own `up`) and throws for anything else, so a renamed
 * or removed metric fails the generator instead of leaving a rule that never fires. Each rule carries a firing and
 * a quiet case, which become its promtool unit tests (rule-test-file.ts).
 */
import { CATALOGUE } from '../../collectors/catalogue/catalogue.ts';

export type Severity = 'warning' | 'critical';

/** One input series of a promtool test: `name{labels}` and promtool's expanding notation (`0+1x10`, `1x20`). */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** Series fed to the rule and the time (from 0, at a 5 s scrape) it is evaluated at. */
export interface RuleCase {
  readonly input: readonly InputSeries[];
  /** Prometheus duration after the first sample. */
  readonly at: string;
}

/** A case where the rule fires, and the one alert it must give. */
export interface FiringCase extends RuleCase {
  /** The alert's labels besides `severity` (those the expression keeps). */
  readonly labels: Readonly<Record<string, string>>;
  /** The alert's `$value`, needed when the annotations print it (the generator refuses otherwise). */
  readonly value?: number;
}

export interface AlertRule {
  /** CamelCase, as Prometheus alerts are named; also the runbook's section (its anchor is the lower-cased name). */
  readonly alert: string;
  readonly expr: string;
  /** How long the expression must hold before the alert fires (Prometheus duration). */
  readonly for: string;
  readonly severity: Severity;
  /** One line; may use `{{ $labels.x }}` and `{{ $value }}` (with `| humanizePercentage`). */
  readonly summary: string;
  readonly description: string;
  readonly firing: FiringCase;
  /** A near miss: the same series on the safe side of the condition (or not held long enough); no alert. */
  readonly quiet: RuleCase;
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
export const runbookAnchor = (rule: Pick<AlertRule, 'alert'>) => rule.alert.toLowerCase();
export const runbookUrl = (rule: Pick<AlertRule, 'alert'>) => `${RUNBOOK}#${runbookAnchor(rule)}`;
