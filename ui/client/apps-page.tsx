/**
 * Apps: Marathon's apps with instances, task health, their VIPs and the DNS names Mesos-DNS and the VIP layer
 * give them.
 */
import { getJson } from './api.ts';
import type { MarathonApp } from './cluster-types.ts';
import { usePoll } from './poll.ts';
import { markReady } from './ready-mark.ts';
import { HeaderRow, PageFrame } from './page-frame.tsx';

/** Marathon names an app's tasks by its path reversed (`/shop/web` → `web.shop`); Mesos-DNS's label dashes it. */
export const mesosDnsName = (appId: string): string =>
  `${appId.split('/').filter(Boolean).reverse().join('-').toLowerCase().replace(/[._]/g, '-').replace(/[^a-z0-9-]/g, '')}.marathon.mesos`;

/** `VIP_n` labels: `/name:port` is `name.marathon.l4lb.thisdcos.directory:port` (slashes dropped); `ip:port` as is. */
export function vipsOf(app: MarathonApp): { label: string; address: string }[] {
  const vips: { label: string; address: string }[] = [];
  for (const port of app.portDefinitions ?? [])
    for (const [key, value] of Object.entries(port.labels ?? {})) {
      if (!/^VIP_\d+$/.test(key)) continue;
      const named = /^\/?(.+):(\d+)$/.exec(value);
      const isAddress = /^\d+\.\d+\.\d+\.\d+:\d+$/.test(value);
      vips.push({ label: value, address: isAddress || named === null ? value : `${named[1]!.replaceAll('/', '')}.marathon.l4lb.thisdcos.directory:${named[2]}` });
    }
  return vips;
}

export function AppsPage() {
  const polled = usePoll(() => getJson<{ apps: MarathonApp[] }>('/marathon/v2/apps?embed=apps.tasks'), []);
  const apps = polled.data?.apps;
  if (apps !== undefined) markReady('apps');
  return (
    <PageFrame id="apps" title="Apps" sources={[polled]} loaded={apps !== undefined}>
      {apps === undefined ? null : apps.length === 0 ? (
        <p>No Marathon apps.</p>
      ) : (
        <div class="table-box">
          <table data-testid="apps-table">
            <HeaderRow columns={['app', 'instances', 'running', 'health', 'VIPs', 'DNS names', 'tasks on']} />
            <tbody>
              {apps.map((app) => {
                const vips = vipsOf(app);
                const checked = (app.healthChecks?.length ?? 0) > 0;
                return (
                  <tr key={app.id}>
                    <th scope="row">{app.id}</th>
                    <td>{app.instances}</td>
                    <td>
                      {app.tasksRunning}
                      {app.tasksStaged > 0 ? ` (+${app.tasksStaged} staged)` : ''}
                      {(app.deployments?.length ?? 0) > 0 ? ', deploying' : ''}
                    </td>
                    <td>
                      {checked ? (
                        <span class={`badge ${app.tasksUnhealthy > 0 ? 'h1' : app.tasksHealthy === app.instances ? 'h0' : 'h3'}`}>
                          {app.tasksHealthy} healthy{app.tasksUnhealthy > 0 ? `, ${app.tasksUnhealthy} unhealthy` : ''}
                        </span>
                      ) : (
                        'no health checks'
                      )}
                    </td>
                    <td>{vips.length === 0 ? '–' : vips.map((v) => <div key={v.label}>{v.label}</div>)}</td>
                    <td>
                      <div>{mesosDnsName(app.id)}</div>
                      {vips.map((v) => (
                        <div key={v.address}>{v.address}</div>
                      ))}
                    </td>
                    <td>{[...new Set((app.tasks ?? []).map((t) => t.host))].join(', ') || '–'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </PageFrame>
  );
}
