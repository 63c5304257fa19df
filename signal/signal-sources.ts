/**
 * Where Signal reads the cluster: the master's dcos-diagnostics, the leading Mesos master and Marathon (standing
 * in for Cosmos's package list), found by their endpoint names (endpoints.json's, the node's published endpoints)
 * as dcos-signal's config named `diagnostics_urls`, `mesos_urls` and `cosmos_urls`.
 */

/** Base URLs by endpoint name (`diagnostics`, `mesos`, `marathon`); a missing one skips the events that need it. */
export type MasterEndpoints = Readonly<Record<string, string | undefined>>;

export class MissingEndpointError extends Error {}

function base(endpoints: MasterEndpoints, name: string): string {
  const url = endpoints[name];
  if (url === undefined) throw new MissingEndpointError(`the master has no '${name}' endpoint (is its unit running?)`);
  return url.replace(/\/+$/, '');
}

/** `?cache=0`: a fresh pull of every node, as dcos-signal asked, rather than the master's last one. */
export const healthReportUrl = (endpoints: MasterEndpoints) => `${base(endpoints, 'diagnostics')}/system/health/v1/report?cache=0`;
export const mesosFrameworksUrl = (endpoints: MasterEndpoints) => `${base(endpoints, 'mesos')}/master/frameworks`;
export const mesosSnapshotUrl = (endpoints: MasterEndpoints) => `${base(endpoints, 'mesos')}/metrics/snapshot`;
export const marathonAppsUrl = (endpoints: MasterEndpoints) => `${base(endpoints, 'marathon')}/v2/apps`;
