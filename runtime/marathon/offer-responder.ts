/**
 * Answers a batch of offers for the apps waiting to launch: each offer is filled with as many instances as fit
 * and accepted with their launches, or declined; either way with Marathon's refuse_seconds, so the allocator does
 * not offer the same unused resources straight back. Every app looked at tallies the offer for GET /v2/queue.
 */
import type { OfferView, SchedulerConnection, TaskLaunch } from '../mesos/scheduler-api.ts';
import type { AppRecord } from './app-record.ts';
import type { PlacementNode } from './constraints.ts';
import { placeOnOffer, type Placement, type PlacementCandidate } from './offer-placement.ts';

export interface WaitingApp {
  readonly rec: AppRecord;
  /** Instances it may launch now. */
  readonly wanted: number;
  /** Agents its live tasks run on. */
  readonly placed: PlacementNode[];
  readonly acceptedRoles: readonly string[];
}

export interface OfferResponderContext {
  conn: Pick<SchedulerConnection, 'accept' | 'decline'>;
  refuseSeconds: number;
  /** At most this many instances per offer (Marathon's max_instances_per_offer). */
  maxInstancesPerOffer: number;
  random: () => number;
  now: number;
  /** Records the task for a placement and returns what to launch. */
  launch(rec: AppRecord, offer: OfferView, placement: Placement): TaskLaunch;
}

/** Returns true when anything was launched. */
export function answerOffers(offers: readonly OfferView[], waiting: readonly WaitingApp[], ctx: OfferResponderContext): boolean {
  const recordOf = new Map<PlacementCandidate, AppRecord>();
  const candidates = waiting.map((w) => {
    const c: PlacementCandidate = { spec: w.rec.spec, wanted: w.wanted, placed: w.placed, acceptedRoles: w.acceptedRoles };
    recordOf.set(c, w.rec);
    return c;
  });
  const filters = { refuseSeconds: ctx.refuseSeconds };
  let launched = false;
  for (const offer of offers) {
    const rejected = new Set<AppRecord>();
    const placements = placeOnOffer(
      offer,
      candidates,
      ctx.random,
      {
        rejected: (c, reason) => {
          const rec = recordOf.get(c)!;
          rec.offerStats.rejections.set(reason, (rec.offerStats.rejections.get(reason) ?? 0) + 1);
          rejected.add(rec);
        },
      },
      ctx.maxInstancesPerOffer,
    );
    const used = new Set(placements.map((p) => recordOf.get(p.candidate)!));
    for (const rec of new Set([...used, ...rejected])) rec.offerStats.count(used.has(rec), ctx.now);
    if (placements.length === 0) {
      ctx.conn.decline([offer.id], filters);
      continue;
    }
    const launches = placements.map((p) => ctx.launch(recordOf.get(p.candidate)!, offer, p));
    // Stopped at the per-offer limit with instances still wanted: the rest of the agent is wanted at the next
    // allocation, so it is given back without a refuse filter.
    const capped = placements.length >= ctx.maxInstancesPerOffer && candidates.some((c) => c.wanted > 0);
    ctx.conn.accept([offer.id], launches, capped ? { refuseSeconds: 0 } : filters);
    launched = true;
  }
  return launched;
}
