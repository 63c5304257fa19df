/**
 * Marathon's event bus, which GET /v2/events streams to marathon-lb, Traefik's Marathon provider and the DC/OS UI.
 * Events are Marathon's JSON: `eventType` and `timestamp` plus the event's own fields (status_update_event,
 * health_status_changed_event, deployment_info, deployment_success, deployment_failed, api_post_event, …).
 *
 * Publishing with no subscriber builds nothing, so a mass launch with no stream open pays no per-task cost.
 */
export interface MarathonEvent {
  readonly eventType: string;
  readonly timestamp: string;
  readonly [field: string]: unknown;
}

export type MarathonEventListener = (event: MarathonEvent) => void;

export class MarathonEventBus {
  private readonly listeners = new Set<MarathonEventListener>();

  constructor(private readonly now: () => number) {}

  /** Returns the unsubscribe function. */
  subscribe(listener: MarathonEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get hasSubscribers(): boolean {
    return this.listeners.size > 0;
  }

  /** `fields` is called only when someone listens. */
  publish(eventType: string, fields: () => Record<string, unknown>): void {
    if (this.listeners.size === 0) return;
    const event: MarathonEvent = { ...fields(), eventType, timestamp: new Date(this.now()).toISOString() };
    for (const listener of [...this.listeners]) listener(event);
  }
}
