/**
 * What a minidc dashboard is before it is Grafana JSON: rows of panels, each with its PromQL queries and what they
 * need to have data. The generator turns these into JSON (dashboard-json.ts) and `minidc dashboards check` runs the
 * same queries against a Prometheus (panel-check.ts), so the two cannot drift apart.
 */
import { series } from './promql.ts';
import type { TemplateVariable } from './template-variables.ts';

export interface PanelQuery {
  readonly expr: string;
  /** Grafana's legend template (`{{instance}}`). */
  readonly legend?: string;
  /**
   * Set when the series appear only once something has happened (a task killed, a DNS query that failed upstream):
   * what. The check names it when the query has no data.
   */
  readonly appearsAfter?: string;
  /**
   * Set when some clusters never have this data (why, e.g. "only with quota set"): the check lists the query when it
   * has none, without failing.
   */
  readonly optional?: string;
}

/** `matrix`: a table of one instant value per row label × column label (the unit × node health matrix). */
export type PanelKind = 'timeseries' | 'stat' | 'matrix';

export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly kind: PanelKind;
  /** Grafana unit id (`s`, `bytes`, `percentunit`, `reqps`, `short`). */
  readonly unit?: string;
  readonly queries: readonly PanelQuery[];
  /** Of 24 columns; 8 unless given. */
  readonly width?: number;
  /** For `matrix`: the labels that become rows and columns. */
  readonly matrix?: { readonly rows: string; readonly columns: string };
  /** For `matrix` and `stat`: value → text shown (and colour), as for a 0/1 health value. */
  readonly valueText?: Readonly<Record<string, { text: string; color: string }>>;
}

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  /** The generated file's name under dashboards/grafana/json/. */
  readonly file: string;
  readonly variables: readonly TemplateVariable[];
  readonly rows: readonly RowSpec[];
}

/** A query; `expr` may be a bare selector. */
export const query = (expr: string | { toString(): string }, legend?: string, extra: Omit<PanelQuery, 'expr' | 'legend'> = {}): PanelQuery => ({
  expr: String(expr),
  ...(legend === undefined ? {} : { legend }),
  ...extra,
});

type PanelOptions = Omit<PanelSpec, 'title' | 'description' | 'kind' | 'queries' | 'unit'>;

export const timeseries = (title: string, description: string, unit: string, queries: readonly PanelQuery[], options: PanelOptions = {}): PanelSpec => ({
  title,
  description,
  kind: 'timeseries',
  unit,
  queries,
  ...options,
});

export const stat = (title: string, description: string, unit: string, queries: readonly PanelQuery[], options: PanelOptions = {}): PanelSpec => ({
  title,
  description,
  kind: 'stat',
  unit,
  queries,
  ...options,
});

/** A query's refId in its panel: A, B, C… (the JSON and the check name queries alike). */
export const refIdOf = (index: number): string => String.fromCharCode(65 + index);

/** A Mesos timer's percentiles (a summary over its recent window), one query each: p50, p90, p99. */
export const percentileQueries = (summary: string): PanelQuery[] =>
  ['0.5', '0.9', '0.99'].map((q) => query(series(summary).where('quantile', '=', q), `p${Math.round(Number(q) * 100)}`));
