/**
 * The panel-query check behind `minidc dashboards check` and the e2e test: every query of every panel (and every
 * template variable's source) run as an instant query with the variables at "All", and, for one that returns
 * nothing, why: the metric has no series at all, its series carry none of the label values the query asks for, or
 * the series are there and the expression (a rate, a comparison) leaves nothing.
 */
import { refIdOf, type DashboardSpec, type PanelQuery } from './panel-spec.ts';
import { PrometheusQueryApi, PrometheusQueryError, type InstantSample } from './prometheus-query-api.ts';
import { selectorsOf } from './promql-selectors.ts';
import { withVariablesResolved } from './template-variables.ts';

export type QueryVerdict = 'data' | 'no-data' | 'optional-no-data';

export interface QueryCheck {
  readonly dashboard: string;
  /** The panel's title, or `$name` for a template variable. */
  readonly panel: string;
  readonly refId: string;
  /** As Prometheus ran it (variables resolved). */
  readonly expr: string;
  readonly verdict: QueryVerdict;
  readonly reason?: string;
}

export interface CheckOptions {
  /** What `$__rate_interval` stands for (Grafana makes it four scrape intervals at least). */
  readonly rateInterval: string;
}

/** Data is a sample that is a number: a NaN (a quantile of no observations) draws nothing either. */
const hasData = (samples: readonly InstantSample[]) => samples.some((s) => !Number.isNaN(s.value));

async function whyEmpty(api: PrometheusQueryApi, expr: string, samples: readonly InstantSample[]): Promise<string> {
  if (samples.length > 0) return 'only NaN values (nothing was observed in the rate interval)';
  for (const { name, matchers } of selectorsOf(expr)) {
    if ((await api.query(`count(${name})`)).length === 0) return `metric absent: no series of ${name}`;
    if (matchers !== '' && (await api.query(`count(${name}{${matchers}})`)).length === 0) return `label mismatch: ${name} has series, none with {${matchers}}`;
  }
  const rates = /\b(rate|increase)\(/.test(expr) ? ' (a rate needs two samples inside its window: scraped long enough?)' : '';
  return `the series exist, the expression leaves none${rates}`;
}

async function checkOne(api: PrometheusQueryApi, expr: string, query: Pick<PanelQuery, 'appearsAfter' | 'optional'>): Promise<{ verdict: QueryVerdict; reason?: string }> {
  let samples: InstantSample[];
  try {
    samples = await api.query(expr);
  } catch (err) {
    if (err instanceof PrometheusQueryError) return { verdict: 'no-data', reason: `query rejected: ${err.message}` };
    throw err;
  }
  if (hasData(samples)) return { verdict: 'data' };
  let reason = await whyEmpty(api, expr, samples);
  if (query.appearsAfter !== undefined) reason += `; appears after ${query.appearsAfter}`;
  if (query.optional !== undefined) return { verdict: 'optional-no-data', reason: `${reason}; ${query.optional}` };
  return { verdict: 'no-data', reason };
}

/** Throws `PrometheusUnreachable` when Prometheus cannot be asked at all. */
export async function checkDashboards(prometheusUrl: string, dashboards: readonly DashboardSpec[], options: CheckOptions): Promise<QueryCheck[]> {
  const api = new PrometheusQueryApi(prometheusUrl);
  const checks: QueryCheck[] = [];
  for (const dashboard of dashboards) {
    for (const v of dashboard.variables) {
      const expr = withVariablesResolved(`count by (${v.sourceLabel}) (${v.source})`, options.rateInterval);
      checks.push({ dashboard: dashboard.title, panel: `$${v.name}`, refId: 'variable', expr, ...(await checkOne(api, expr, {})) });
    }
    for (const row of dashboard.rows)
      for (const panel of row.panels)
        for (const [i, query] of panel.queries.entries()) {
          const expr = withVariablesResolved(query.expr, options.rateInterval);
          checks.push({ dashboard: dashboard.title, panel: panel.title, refId: refIdOf(i), expr, ...(await checkOne(api, expr, query)) });
        }
  }
  return checks;
}
