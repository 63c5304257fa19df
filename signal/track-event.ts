/**
 * A Segment "track" call as dcos-signal sent it (analytics-go's Track): one named event about the cluster, keyed by
 * the cluster id as the anonymous id, with the properties every DC/OS event carried plus its own. DC/OS's property
 * names are kept exactly, so a pipeline built for dcos-signal reads minidc's events unchanged.
 */
import { randomUUID } from 'node:crypto';

export type SignalEventName = 'health' | 'mesos_track' | 'package_list';

/** What every event carries (dcos-signal's common properties; the open variant has no customer or licence key). */
export interface CommonProperties {
  source: 'cluster';
  customerKey: string;
  environmentVersion: string;
  clusterId: string;
  licenseId: string;
  variant: 'open' | 'enterprise';
  platform: string;
  provider: string;
}

export interface TrackEvent {
  type: 'track';
  event: SignalEventName;
  anonymousId: string;
  /** The customer key; omitted when there is none (always, for the open variant). */
  userId?: string;
  properties: CommonProperties & Record<string, unknown>;
  messageId: string;
  timestamp: string;
}

/** Who is reporting: the cluster and the installation, as dcos-signal's config and flags gave them. */
export interface SignalIdentity {
  clusterId: string;
  environmentVersion: string;
  platform: string;
  provider: string;
}

export function commonProperties(identity: SignalIdentity): CommonProperties {
  return {
    source: 'cluster',
    customerKey: '',
    environmentVersion: identity.environmentVersion,
    clusterId: identity.clusterId,
    licenseId: '',
    variant: 'open',
    platform: identity.platform,
    provider: identity.provider,
  };
}

export function trackEvent(event: SignalEventName, identity: SignalIdentity, own: Record<string, unknown>, at: Date): TrackEvent {
  return {
    type: 'track',
    event,
    anonymousId: identity.clusterId,
    // The common properties last, so an event's own property can never pose as one of them.
    properties: { ...own, ...commonProperties(identity) },
    messageId: randomUUID(),
    timestamp: at.toISOString(),
  };
}
