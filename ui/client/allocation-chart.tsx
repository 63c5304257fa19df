/**
 * The overview's 24 h chart of the cluster's allocated fraction of cpus, mem and disk: the day from dcos-history
 * (read once, see history-day.ts), then one point per live update. uPlot draws it on a
 * canvas sized to its box; the numbers themselves are in the resources table beside it, for screen readers.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { StateSummary } from './cluster-types.ts';
import { allocation } from './resources.ts';

export type ChartSeries = [number[], (number | null)[], (number | null)[], (number | null)[]];

const DAY_S = 24 * 3600;

export interface HistoryPoint {
  timeS: number;
  sample: Partial<StateSummary>;
}

export function seriesFrom(points: readonly HistoryPoint[]): ChartSeries {
  const series: ChartSeries = [[], [], [], []];
  for (const { timeS, sample } of points) addPoint(series, timeS, sample);
  return series;
}

export function addPoint(series: ChartSeries, timeS: number, sample: Partial<StateSummary>): void {
  const fractions = sample.slaves === undefined ? [null, null, null] : allocation(sample.slaves).map(({ used, total }) => (total > 0 ? used / total : null));
  series[0].push(timeS);
  fractions.forEach((f, i) => series[(i + 1) as 1 | 2 | 3].push(f));
  // Keep a day: the oldest points go as new ones arrive.
  while (series[0].length > 0 && series[0][0]! < timeS - DAY_S) for (const column of series) column.shift();
}

/** The series with an empty point a day before its newest: the axis always spans the day, so a young cluster's
 * few points sit at the right instead of being spread across the chart. */
function withDayStart(series: ChartSeries): ChartSeries {
  const newest = series[0].at(-1);
  if (newest === undefined || series[0][0]! <= newest - DAY_S) return series;
  return [[newest - DAY_S, ...series[0]], [null, ...series[1]], [null, ...series[2]], [null, ...series[3]]];
}

/** Dots while there are few points (a young cluster's minutes would be invisible as a line on a day's axis). */
const fewPoints = (u: uPlot, seriesIdx: number) => (u.data[seriesIdx] ?? []).filter((v) => v !== null).length < 120;

const percentAxis = (_u: uPlot, values: number[]) => values.map((v) => `${Math.round(v * 100)}%`);

export function AllocationChart({ series, version }: { series: ChartSeries; version: number }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  useEffect(() => {
    const el = box.current!;
    const opts: uPlot.Options = {
      width: el.clientWidth,
      height: 220,
      scales: { y: { range: [0, 1] } },
      axes: [{}, { values: percentAxis, size: 50 }],
      series: [
        {},
        ...(
          [
            ['cpus', '#1f5fa8'],
            ['mem', '#a8401f'],
            ['disk', '#3d7a1f'],
          ] as const
        ).map(([label, stroke]) => ({ label, stroke, width: 2, points: { show: fewPoints, size: 6, fill: stroke }, value: (_u: uPlot, v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`) })),
      ],
    };
    plot.current = new uPlot(opts, withDayStart(series), el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
    };
  }, []);
  useEffect(() => plot.current?.setData(withDayStart(series)), [version]);
  return <div ref={box} class="chart" role="img" aria-label="Allocated fraction of the cluster's cpus, mem and disk over the last 24 hours" />;
}
