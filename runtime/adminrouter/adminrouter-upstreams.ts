/**
 * Where Admin Router's locations lead, asked at every request (as DC/OS's Admin Router re-resolves `leader.mesos`
 * every few seconds): a component that has not bound yet, or a master that is not elected, has no address, and
 * the location answers 503 naming it.
 */
export interface AdminRouterUpstreams {
  /** A component's base URL on this node, by its endpoints.json name (`marathon`, `diagnostics`, …). */
  endpoint(name: string): string | undefined;
  /** The leading master's base URL (what `leader.mesos:5050` is in DC/OS). */
  leadingMaster(): string | undefined;
  /** Every agent the cluster knows: its Mesos id and its Admin Router's base URL (undefined until bound). */
  agents(): readonly AgentAddress[];
}

export interface AgentAddress {
  readonly id: string;
  readonly ip: string;
  readonly url: string | undefined;
}
