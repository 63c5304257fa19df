/**
 * Nodes: every node dcos-diagnostics knows, with its role and health, and for agents the resources and tasks Mesos
 * reports (state-summary's agents, matched by address); a node's row opens its units.
 */
import { useState } from 'preact/hooks';
import { getJson } from './api.ts';
import { healthName, type HealthNode, type NodeUnitHealth, type StateSummary, type SummaryAgent } from './cluster-types.ts';
import { cpus, megabytes } from './format.ts';
import { compareIps } from './health-matrix-model.ts';
import { usePoll } from './poll.ts';
import { markReady } from './ready-mark.ts';
import { HeaderRow, PageFrame } from './page-frame.tsx';
import { StaleBanner } from './stale-banner.tsx';
import { UnitDetail } from './unit-detail.tsx';

async function loadNodes(): Promise<{ nodes: HealthNode[]; agents: Map<string, SummaryAgent> }> {
  const [health, summary] = await Promise.all([getJson<{ nodes: HealthNode[] | null }>('/system/health/v1/nodes'), getJson<StateSummary>('/mesos/master/state-summary')]);
  const nodes = [...(health.nodes ?? [])].sort((a, b) => compareIps(a.host_ip, b.host_ip));
  return { nodes, agents: new Map(summary.slaves.map((a) => [a.hostname, a])) };
}

export function NodesPage() {
  const polled = usePoll(loadNodes, []);
  const [open, setOpen] = useState<string>();
  const data = polled.data;
  if (data !== undefined) markReady('nodes');
  return (
    <PageFrame id="nodes" title="Nodes" sources={[polled]} loaded={data !== undefined}>
      {data !== undefined && (
        <div class="table-box">
          <table data-testid="nodes-table">
            <HeaderRow columns={['node', 'role', 'health', 'cpus', 'mem', 'disk', 'tasks', 'agent']} />
            <tbody>
              {data.nodes.map((n) => {
                const agent = data.agents.get(n.host_ip);
                const used = agent?.used_resources;
                const total = agent?.resources;
                return (
                  <tr key={n.host_ip} class={open === n.host_ip ? 'open' : ''}>
                    <th scope="row">
                      <button type="button" class="link" aria-expanded={open === n.host_ip} onClick={() => setOpen(open === n.host_ip ? undefined : n.host_ip)}>
                        {n.host_ip}
                      </button>
                    </th>
                    <td>{n.role}</td>
                    <td>
                      <span class={`badge h${n.health}`}>{healthName(n.health)}</span>
                    </td>
                    <td>{agent ? `${cpus(used?.cpus ?? 0)} / ${cpus(total?.cpus ?? 0)}` : '–'}</td>
                    <td>{agent ? `${megabytes(used?.mem ?? 0)} / ${megabytes(total?.mem ?? 0)}` : '–'}</td>
                    <td>{agent ? `${megabytes(used?.disk ?? 0)} / ${megabytes(total?.disk ?? 0)}` : '–'}</td>
                    <td>{agent ? (agent.TASK_RUNNING ?? 0) : '–'}</td>
                    <td>{agent ? (agent.active ? 'active' : 'inactive') : n.role === 'master' ? '–' : 'not registered'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {open !== undefined && <NodeUnits ip={open} />}
    </PageFrame>
  );
}

function NodeUnits({ ip }: { ip: string }) {
  const polled = usePoll(() => getJson<{ units: NodeUnitHealth[] | null }>(`/system/health/v1/nodes/${encodeURIComponent(ip)}/units`), [ip]);
  const [unit, setUnit] = useState<string>();
  const units = polled.data?.units ?? [];
  return (
    <section class="panel" aria-labelledby="node-units-title" data-testid="node-units">
      <h2 id="node-units-title">Units on {ip}</h2>
      <StaleBanner sources={[polled]} />
      <ul class="unit-list">
        {units.map((u) => (
          <li key={u.id}>
            <button type="button" class="link" onClick={() => setUnit(u.id)}>
              {u.id}
            </button>{' '}
            <span class={`badge h${u.health}`}>{healthName(u.health)}</span> {u.name}
          </li>
        ))}
      </ul>
      {unit !== undefined && <UnitDetail ip={ip} unit={unit} onClose={() => setUnit(undefined)} />}
    </section>
  );
}
