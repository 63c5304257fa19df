/**
 * The System Overview: the leading master, agents by state, frameworks, tasks by state, resources allocated
 * against total with the 24 h chart, and the alerts. Reads state-summary and the health lists every update.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson } from './api.ts';
import { AllocationChart, addPoint, seriesFrom, type ChartSeries } from './allocation-chart.tsx';
import { alertsOf } from './alerts.ts';
import { TASK_STATES, type HealthNode, type HealthUnit, type StateSummary, type TaskCounts } from './cluster-types.ts';
import { cpus, megabytes, percent } from './format.ts';
import { loadHistoryDay } from './history-day.ts';
import { usePoll } from './poll.ts';
import { markReady } from './ready-mark.ts';
import { allocation } from './resources.ts';
import { HeaderRow, PageFrame } from './page-frame.tsx';

interface OverviewData {
  summary: StateSummary;
  units: HealthUnit[];
  nodes: HealthNode[];
}

async function loadOverview(): Promise<OverviewData> {
  const [summary, units, nodes] = await Promise.all([
    getJson<StateSummary>('/mesos/master/state-summary'),
    getJson<{ units: HealthUnit[] | null }>('/system/health/v1/units'),
    getJson<{ nodes: HealthNode[] | null }>('/system/health/v1/nodes'),
  ]);
  return { summary, units: units.units ?? [], nodes: nodes.nodes ?? [] };
}

export function OverviewPage() {
  const polled = usePoll(loadOverview, []);
  const chart = useChartSeries(polled.data?.summary, polled.updatedAt);
  const data = polled.data;
  if (data !== undefined) markReady('overview');
  return (
    <PageFrame id="overview" title="Overview" sources={[polled]} loaded={data !== undefined}>
      {data !== undefined && <OverviewBody data={data} chart={chart} />}
    </PageFrame>
  );
}

function OverviewBody({ data, chart }: { data: OverviewData; chart: { series: ChartSeries; version: number } }) {
  const { summary } = data;
  const agents = summary.slaves;
  const active = agents.filter((a) => a.active).length;
  const publicAgents = agents.filter((a) => String(a.attributes?.public_ip) === 'true').length;
  const tasks = sumTasks(summary.frameworks);
  const alerts = alertsOf(summary, data.units, data.nodes);
  return (
    <div class="overview" data-testid="overview">
      <div class="cards">
        <Card title="Leading master" value={summary.hostname} note={`cluster ${summary.cluster}`} />
        <Card title="Agents" value={String(agents.length)} note={`${active} active, ${agents.length - active} inactive; ${publicAgents} public`} />
        <Card title="Frameworks" value={String(summary.frameworks.length)} note={`${summary.frameworks.filter((f) => f.active).length} active`} />
        <Card title="Tasks running" value={String(tasks.TASK_RUNNING ?? 0)} note={`${Object.values(tasks).reduce((a, b) => a + (b ?? 0), 0)} known`} />
      </div>
      <div class="columns">
        <section aria-labelledby="alerts-title" class="panel">
          <h2 id="alerts-title">Alerts</h2>
          {alerts.length === 0 ? (
            <p class="ok" data-testid="no-alerts">No alerts.</p>
          ) : (
            <ul class="alerts" data-testid="alerts">
              {alerts.map((a) => (
                <li class={`alert ${a.severity}`} key={a.text}>
                  <span class="severity">{a.severity}</span> {a.text}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="resources-title" class="panel">
          <h2 id="resources-title">Resources allocated</h2>
          <table class="resources">
            <HeaderRow columns={['resource', 'allocated', 'total', 'share']} />
            <tbody>
              {allocation(agents).map(({ name, used, total }) => {
                const show = name === 'cpus' ? cpus : megabytes;
                const share = total > 0 ? used / total : 0;
                return (
                  <tr key={name}>
                    <th scope="row">{name}</th>
                    <td>{show(used)}</td>
                    <td>{show(total)}</td>
                    <td>
                      <meter min={0} max={1} value={share} aria-label={`${name} allocated`} /> {percent(share)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <AllocationChart series={chart.series} version={chart.version} />
        </section>
      </div>
      <div class="columns">
        <section aria-labelledby="tasks-title" class="panel">
          <h2 id="tasks-title">Tasks by state</h2>
          <table>
            <tbody>
              {TASK_STATES.filter((s) => (tasks[s] ?? 0) > 0 || s === 'TASK_RUNNING').map((s) => (
                <tr key={s}>
                  <th scope="row">{s}</th>
                  <td data-testid={`tasks-${s}`}>{tasks[s] ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section aria-labelledby="frameworks-title" class="panel">
          <h2 id="frameworks-title">Frameworks</h2>
          <table>
            <HeaderRow columns={['name', 'state', 'running', 'cpus', 'mem']} />
            <tbody>
              {summary.frameworks.map((f) => (
                <tr key={f.id}>
                  <td>{f.name}</td>
                  <td>{f.active ? (f.connected === false ? 'disconnected' : 'active') : 'inactive'}</td>
                  <td>{f.TASK_RUNNING ?? 0}</td>
                  <td>{cpus(f.used_resources?.cpus ?? 0)}</td>
                  <td>{megabytes(f.used_resources?.mem ?? 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </div>
  );
}

function Card({ title, value, note }: { title: string; value: string; note: string }) {
  return (
    <div class="card">
      <h2>{title}</h2>
      <p class="value" data-testid={`card-${title.toLowerCase().replaceAll(' ', '-')}`}>
        {value}
      </p>
      <p class="note">{note}</p>
    </div>
  );
}

function sumTasks(frameworks: readonly TaskCounts[]): TaskCounts {
  const sum: TaskCounts = {};
  for (const f of frameworks) for (const s of TASK_STATES) sum[s] = (sum[s] ?? 0) + (f[s] ?? 0);
  return sum;
}

/** The day from dcos-history once (in the background: the page does not wait for it), then a point per update. */
function useChartSeries(summary: StateSummary | undefined, updatedAt: number | undefined): { series: ChartSeries; version: number } {
  const series = useRef<ChartSeries>([[], [], [], []]);
  const [version, setVersion] = useState(0);
  const agents = summary?.slaves.length;
  useEffect(() => {
    if (agents === undefined) return;
    loadHistoryDay(agents, Date.now()).then(
      (day) => {
        const live = series.current;
        series.current = seriesFrom(day);
        // Points that arrived while the day loaded come after it.
        live[0].forEach((t, i) => {
          if (t > (series.current[0].at(-1) ?? 0)) for (let c = 0; c < 4; c++) (series.current[c] as (number | null)[]).push(live[c]![i]!);
        });
        setVersion((v) => v + 1);
      },
      () => {},
    );
  }, [agents === undefined]);
  useEffect(() => {
    if (summary === undefined || updatedAt === undefined) return;
    addPoint(series.current, updatedAt / 1000, summary);
    setVersion((v) => v + 1);
  }, [updatedAt]);
  return { series: series.current, version };
}
