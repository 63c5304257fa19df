/**
 * `dcos-adminrouter-reload.timer` + `.service` on masters: DC/OS reloads Admin Router every hour (its
 * `dcos-adminrouter-reload.timer`); the run re-reads the agent directory and journals where each location leads.
 */
import type { TimerServiceSpec } from '../timers/timer-service.ts';
import { AdminRouterReload } from './adminrouter-reload.ts';
import { ADMINROUTER_UNIT } from './adminrouter-service.ts';
import type { ReloadableAdminRouter } from './adminrouter.ts';

export const adminrouterReloadSpec: TimerServiceSpec = {
  name: 'dcos-adminrouter-reload',
  description: 'Reload Admin Router: reloads the Admin Router configuration',
  roles: ['master'],
  after: [ADMINROUTER_UNIT],
  schedule: (config) => config.adminrouterReloadSchedule,
  runTimeoutMs: 30_000,
  create: ({ peer }) => {
    const router = peer(ADMINROUTER_UNIT) as (Partial<ReloadableAdminRouter> & object) | undefined;
    return new AdminRouterReload(() => router?.reload?.());
  },
};
