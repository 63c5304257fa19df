/**
 * The chart's day from dcos-history. `/history/day` is every 1-minute sample, each a whole state-summary: a few MB
 * for a small cluster, but ~2 GB at 1,000 agents (BENCHMARKS.md, history). So beyond a few dozen agents the page
 * asks for one sample every half hour instead (a one-minute `from`/`to` range each, one request at a time, in the
 * background): 48 samples, a bounded download whatever the cluster's size.
 */
import { getJson } from './api.ts';
import type { HistoryPoint } from './allocation-chart.tsx';
import type { StateSummary } from './cluster-types.ts';

const HISTORY_DAY = '/dcos-history-service/history/day';
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** Up to this many agents the whole day (1,440 samples) is one request. */
export const WHOLE_DAY_MAX_AGENTS = 50;
const SAMPLED_STEP_MS = 30 * MINUTE_MS;

export async function loadHistoryDay(agents: number, nowMs: number): Promise<HistoryPoint[]> {
  if (agents <= WHOLE_DAY_MAX_AGENTS) {
    // Positional, one sample a minute, the newest last; `{}` is a minute nobody polled.
    const day = await getJson<Partial<StateSummary>[]>(HISTORY_DAY);
    return day.map((sample, i) => ({ timeS: (nowMs - (day.length - 1 - i) * MINUTE_MS) / 1000, sample }));
  }
  const points: HistoryPoint[] = [];
  for (let at = nowMs - DAY_MS + SAMPLED_STEP_MS; at < nowMs; at += SAMPLED_STEP_MS) {
    const samples = await getJson<Partial<StateSummary>[]>(`${HISTORY_DAY}?from=${at}&to=${at + MINUTE_MS - 1}`).catch(() => []);
    for (const sample of samples.slice(0, 1)) points.push({ timeS: at / 1000, sample });
  }
  return points;
}
