/**
 * The series selectors in a PromQL expression (`name{matchers}`), read from its text: enough PromQL to tell the
 * metrics a panel queries from the functions, aggregations, keywords and label names around them. Used by the check
 * to say why a query has no data, and by the tests to read the metrics back out of the generated JSON.
 */
export interface SeriesSelector {
  readonly name: string;
  /** The `{...}` part as written, without braces; empty when there is none. */
  readonly matchers: string;
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan']);

export function selectorsOf(expr: string): SeriesSelector[] {
  const text = expr
    // Range and subquery windows, `[5m]`, `[$__rate_interval]`.
    .replace(/\[[^\]]*\]/g, '')
    // Grouping label lists name labels, not metrics.
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const found: SeriesSelector[] = [];
  // A name, optionally followed by its matchers (whose quoted values may hold anything but `"`), or bare matchers.
  const token = /([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(\{(?:[^}"]|"(?:[^"\\]|\\.)*")*\})?/g;
  for (const m of text.matchAll(token)) {
    const [whole, name, braces] = m;
    if (whole === '' || name === undefined) continue;
    const after = text.slice(m.index + whole.length).trimStart();
    if (braces === undefined && (after.startsWith('(') || KEYWORDS.has(name.toLowerCase()))) continue;
    // A number's exponent (`1e3`) starts like a name; so does a duration's unit: both follow a digit.
    if (m.index > 0 && /[0-9.]/.test(text[m.index - 1]!)) continue;
    found.push({ name, matchers: braces === undefined ? '' : braces.slice(1, -1) });
  }
  return found;
}

/** The distinct metric names an expression reads. */
export const metricsOf = (expr: string): string[] => [...new Set(selectorsOf(expr).map((s) => s.name))];
