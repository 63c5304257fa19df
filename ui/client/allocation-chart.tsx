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
        { label: 'cpus', stroke: '#1f5fa8', width: 2, value: (_u, v) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`) },
        { label: 'mem', stroke: '#a8401f', width: 2, value: (_u, v) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`) },
        { label: 'disk', stroke: '#3d7a1f', width: 2, value: (_u, v) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`) },
      ],
    };
    plot.current = new uPlot(opts, series, el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
    };
  }, []);
  useEffect(() => plot.current?.setData(series), [version]);
  return <div ref={box} class="chart" role="img" aria-label="Allocated fraction of the cluster's cpus, mem and disk over the last 24 hours" />;
}
