/**
 * `dcos-spartan-watchdog.timer` + `.service` on every node: DC/OS's seed watchdog, every 5 minutes (the Spartan
 * README's period) after a first wait of 60 s (its `ExecStartPre=/bin/sleep 60`), so a forwarder still coming up
 * is not restarted. A run asks the node's forwarder for `ready.spartan` and restarts `dcos-spartan.service` when
 * it does not answer (dns-watchdog.ts); restarts show as `minidc_dns_watchdog_restarts_total` on the node's /metrics.
 */
import { DNS_FORWARDER_UNIT, isDnsForwarderBehavior } from '../../dns/forwarder/dns-forwarder-service.ts';
import type { TimerServiceSpec } from '../timer-service.ts';
import { DnsWatchdog } from './dns-watchdog.ts';

export const dnsWatchdogSpec: TimerServiceSpec = {
  name: 'dcos-spartan-watchdog',
  description: 'DNS Forwarder Watchdog: restarts the DNS forwarder when it stops answering ready.spartan',
  roles: ['master', 'agent', 'agent_public'],
  after: [DNS_FORWARDER_UNIT],
  schedule: (config) => config.dnsWatchdogSchedule,
  firstDelayMs: (config) => config.dnsWatchdogDelayMs,
  // DC/OS ran the check under `timeout -k 1m 1m`.
  runTimeoutMs: 60_000,
  create: ({ node, peer }) =>
    new DnsWatchdog({
      unit: DNS_FORWARDER_UNIT,
      forwarderAddress: () => node.endpoints.dns_forwarder,
      restartForwarder: async () => {
        const unit = node.units.get(DNS_FORWARDER_UNIT);
        if (unit === undefined) throw new Error(`${DNS_FORWARDER_UNIT} is not on this node`);
        await unit.restart();
      },
      countRestart: () => {
        const forwarder = peer(DNS_FORWARDER_UNIT);
        if (isDnsForwarderBehavior(forwarder)) forwarder.countWatchdogRestart();
      },
    }),
};
