/**
 * The liveness probes of a node, by the units it runs and the endpoints it publishes (endpoints.json names):
 * Mesos-DNS answers `leader.mesos`, the forwarder `ready.spartan`, the master is elected and answers `/health`,
 * the agent is registered, Marathon answers `/ping`, the VIP API answers `/vips`. A unit without its endpoint
 * gets a probe that fails saying so (the unit is up but serves nothing).
 */
import { dnsProbe } from './dns-probe.ts';
import { httpJsonProbe, httpOkProbe, snapshotKeyIs } from './http-probe.ts';
import type { Probe } from './probe.ts';

interface ProbeSpec {
  unit: string;
  endpoint: string;
  make(address: string, unit: string): Probe[];
}

const SPECS: readonly ProbeSpec[] = [
  { unit: 'dcos-mesos-dns.service', endpoint: 'dns', make: (a, u) => [dnsProbe(u, a, 'leader.mesos')] },
  { unit: 'dcos-spartan.service', endpoint: 'dns_forwarder', make: (a, u) => [dnsProbe(u, a, 'ready.spartan')] },
  {
    unit: 'dcos-mesos-master.service',
    endpoint: 'mesos',
    make: (a, u) => [httpJsonProbe(u, `${a}/metrics/snapshot`, snapshotKeyIs('master/elected', 1)), httpOkProbe(u, `${a}/health`)],
  },
  ...['dcos-mesos-slave.service', 'dcos-mesos-slave-public.service'].map((unit) => ({
    unit,
    endpoint: 'mesos',
    make: (a: string, u: string) => [httpJsonProbe(u, `${a}/metrics/snapshot`, snapshotKeyIs('slave/registered', 1))],
  })),
  { unit: 'dcos-marathon.service', endpoint: 'marathon', make: (a, u) => [httpOkProbe(u, `${a}/ping`)] },
  { unit: 'dcos-minuteman.service', endpoint: 'l4lb', make: (a, u) => [httpOkProbe(u, `${a}/vips`)] },
];

/** The probes for the given units of a node whose endpoints are `endpoints` (read when called). */
export function nodeProbes(units: readonly string[], endpoints: Readonly<Record<string, string>>): Probe[] {
  const present = new Set(units);
  return SPECS.filter((s) => present.has(s.unit)).flatMap((s) => {
    const address = endpoints[s.endpoint];
    if (address === undefined)
      return [{ unit: s.unit, what: `the '${s.endpoint}' endpoint`, check: () => Promise.reject(new Error('not published')) }];
    return s.make(address, s.unit);
  });
}
