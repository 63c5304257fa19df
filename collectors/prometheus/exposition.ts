/**
 * A scrape's samples as Prometheus text exposition format 0.0.4, written directly. Samples arrive as absolute
 * values (a Mesos counter is read, not incremented here; a timer's quantiles come precomputed), so there is no
 * client-library state to keep; formatting them through prom-client's Registry cost a metric object per family and
 * an object and a WeakMap entry per series on every scrape (bench:metrics). The text is what prom-client writes —
 * families in first-seen order, `# HELP`/`# TYPE`, a blank line between families — with the format's escaping:
 * `\` and newline in help; `\`, newline and `"` in label values.
 */
import { assertValidDeclaration, assertValidSample, type MetricDeclaration, type Sample } from '../metric.ts';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

interface SeriesLine {
  /** One summary's (or histogram's) series together: its labels without quantile/le. */
  group: string;
  /** Quantiles or buckets by bound (+Inf last), then sum, then count. */
  rank: number;
  bound: number;
  line: string;
}

interface Family {
  readonly declaration: MetricDeclaration;
  readonly lines: SeriesLine[];
  readonly seen: Set<string>;
}

/** Declarations are catalogue constants: checked once each, not once per scrape. */
const validDeclarations = new WeakSet<MetricDeclaration>();

/** The samples as Prometheus text; throws on a conflicting declaration, a repeated series or an invalid sample. */
export async function renderExposition(samples: readonly Sample[]): Promise<string> {
  const families = new Map<string, Family>();
  for (const sample of samples) {
    assertValidSample(sample);
    const declaration = sample.metric;
    const name = declaration.prometheusName;
    let family = families.get(name);
    if (family === undefined) {
      if (!validDeclarations.has(declaration)) {
        assertValidDeclaration(declaration);
        validDeclarations.add(declaration);
      }
      family = { declaration, lines: [], seen: new Set() };
      families.set(name, family);
    } else if (family.declaration !== declaration && !sameDeclaration(family.declaration, declaration)) {
      throw new Error(`metric ${name}: declared twice, differently (${describe(family.declaration)} vs ${describe(declaration)})`);
    }
    family.lines.push(seriesLine(family, sample));
  }
  const texts: string[] = [];
  for (const { declaration, lines } of families.values()) {
    if (declaration.type === 'summary' || declaration.type === 'histogram') lines.sort(byCompositeSeries);
    const name = declaration.prometheusName;
    let text = `# HELP ${name} ${escapeHelp(declaration.help)}\n# TYPE ${name} ${declaration.type}`;
    for (const { line } of lines) text += `\n${line}`;
    texts.push(text);
  }
  return `${texts.join('\n\n')}\n`;
}

function seriesLine(family: Family, sample: Sample): SeriesLine {
  const { declaration } = family;
  const name = declaration.prometheusName;
  const scale = declaration.prometheusScale ?? 1;
  // Counts are counts whatever the unit; a bucket's bound is in the unit, its value a count.
  const value = sample.part === 'count' || sample.part === 'bucket' ? sample.value : sample.value * scale;
  const metricName = sample.part === undefined ? name : `${name}_${sample.part}`;
  let labels = sample.labels ?? {};
  if (sample.part === 'bucket' && scale !== 1 && labels.le !== '+Inf') labels = { ...labels, le: String(Number(labels.le) * scale) };
  const pairs: string[] = [];
  const groupPairs: string[] = [];
  for (const [label, labelValue] of Object.entries(labels)) {
    const pair = `${label}="${escapeLabelValue(labelValue)}"`;
    pairs.push(pair);
    if (label !== 'quantile' && label !== 'le') groupPairs.push(pair);
  }
  const labelText = pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
  // The same series whatever order its labels came in.
  const series = pairs.length < 2 ? `${metricName}${labelText}` : `${metricName}{${[...pairs].sort().join(',')}}`;
  if (family.seen.has(series)) throw new Error(`metric ${name}: series ${metricName}${JSON.stringify(labels)} given twice`);
  family.seen.add(series);
  const [rank, bound] = compositeRank(sample, labels);
  return { group: groupPairs.sort().join(','), rank, bound, line: `${metricName}${labelText} ${formatValue(value)}` };
}

/** [group, bound]: quantiles or buckets by bound (+Inf last), then sum, then count. */
function compositeRank(sample: Sample, labels: Readonly<Record<string, string>>): [number, number] {
  if (sample.part === 'sum') return [1, 0];
  if (sample.part === 'count') return [2, 0];
  const bound = labels.quantile ?? labels.le ?? '0';
  return [0, bound === '+Inf' ? Infinity : Number(bound)];
}

/** Keeps one summary's quantiles (or one histogram's buckets), sum and count together, in that order. */
function byCompositeSeries(a: SeriesLine, b: SeriesLine): number {
  if (a.group !== b.group) return a.group < b.group ? -1 : 1;
  if (a.rank !== b.rank) return a.rank - b.rank;
  return a.bound === b.bound ? 0 : a.bound < b.bound ? -1 : 1;
}

/** As the text format spells non-finite values. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

const NEEDS_ESCAPE = /[\\\n"]/;

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabelValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function sameDeclaration(a: MetricDeclaration, b: MetricDeclaration): boolean {
  return a.type === b.type && a.help === b.help && (a.labelNames ?? []).join(',') === (b.labelNames ?? []).join(',');
}

function describe(d: MetricDeclaration): string {
  return `${d.type} [${(d.labelNames ?? []).join(',')}] ${JSON.stringify(d.help)}`;
}
