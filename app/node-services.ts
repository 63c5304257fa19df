/**
 * Every node service minidc runs: the runtime's (master, agents, Marathon, DNS, VIPs) and, above runtime/, the
 * observability suite's (diagnostics, logrotate, watchdogs, history, Signal, Admin Router — one descriptor each, as
 * they arrive). This is the composition root: runtime/ never imports an observer; observers are placed from here.
 */
import type { NodeServiceDescriptor } from '../runtime/cluster/node-service.ts';
import { RUNTIME_SERVICES } from '../runtime/cluster/runtime-services.ts';
import { adminrouterReloadSpec } from '../runtime/adminrouter/adminrouter-reload-service.ts';
import { adminrouterAgentService, adminrouterMasterService } from '../runtime/adminrouter/adminrouter-service.ts';
import { adminRouterAuthFor } from '../runtime/adminrouter/auth/jwt-auth.ts';
import { dnsWatchdogSpec } from '../runtime/timers/dns/dns-watchdog-service.ts';
import { genResolvconfSpec } from '../runtime/timers/dns/gen-resolvconf-service.ts';
import { logrotateAgentService, logrotateMasterService } from '../runtime/timers/logrotate/logrotate-service.ts';
import { timerServices } from '../runtime/timers/timer-service.ts';
import { signalService } from '../signal/signal-service.ts';
import { diagnosticsService, diagnosticsSocketService } from './diagnostics-service.ts';
import { historyService } from './history-service.ts';
import { telegrafService } from './telegraf-service.ts';

export const NODE_SERVICES: readonly NodeServiceDescriptor[] = [
  ...RUNTIME_SERVICES,
  telegrafService,
  diagnosticsSocketService,
  diagnosticsService,
  historyService,
  ...timerServices(dnsWatchdogSpec),
  ...timerServices(genResolvconfSpec),
  ...timerServices(signalService),
  ...timerServices(logrotateMasterService),
  ...timerServices(logrotateAgentService),
  adminrouterMasterService((ctx) => adminRouterAuthFor(ctx.cluster.config)),
  adminrouterAgentService,
  ...timerServices(adminrouterReloadSpec),
];
