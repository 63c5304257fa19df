/**
 * The runtime's node services, in the order they read best (start order comes from each one's `after`). The
 * composition root (app/node-services.ts) adds the observability suite's services to these.
 */
import { agentService, publicAgentService } from '../agent/agent-service.ts';
import { dnsForwarderService } from '../dns/forwarder/dns-forwarder-service.ts';
import { mesosDnsService } from '../dns/mesos-dns/mesos-dns-service.ts';
import { l4lbService } from '../l4lb/l4lb-service.ts';
import { marathonService } from '../marathon/marathon-service.ts';
import { masterService } from '../master/master-service.ts';
import type { NodeServiceDescriptor } from './node-service.ts';

export const RUNTIME_SERVICES: readonly NodeServiceDescriptor[] = [
  masterService,
  agentService,
  publicAgentService,
  marathonService,
  mesosDnsService,
  dnsForwarderService,
  l4lbService,
];
