/**
 * Fills one offer with as many instances as fit, app after app (apps waiting longest first): each instance must
 * satisfy the app's constraints given where its tasks already run (including those placed on this same offer), and
 * its resources must fit in what is left of the offer within its accepted roles.
 */
import type { Resources } from '../mesos/resources.ts';
import type { OfferView } from '../mesos/scheduler-api.ts';
import { matchesConstraints, type PlacementNode } from './constraints.ts';
import { matchResources, type NoMatchReason } from './resource-matcher.ts';
import type { RunSpec } from './run-spec.ts';

export interface PlacementCandidate {
  readonly spec: RunSpec;
  /** Instances still wanted; decremented as they are placed. */
  wanted: number;
  /** Agents its live tasks run on, one entry per task; grows as tasks are placed. */
  readonly placed: PlacementNode[];
  readonly acceptedRoles: readonly string[];
}

export interface Placement {
  readonly candidate: PlacementCandidate;
  readonly resources: Resources;
  readonly hostPorts: readonly number[];
}

export interface PlacementReport {
  /** The offer was looked at for this app and could not (or could no longer) take an instance, and why. */
  rejected(candidate: PlacementCandidate, reason: NoMatchReason): void;
}

export function placeOnOffer(
  offer: OfferView,
  candidates: readonly PlacementCandidate[],
  random: () => number,
  report: PlacementReport,
  /** Marathon's max_instances_per_offer: no more than this many instances go on one offer. */
  maxInstances = Infinity,
): Placement[] {
  const node: PlacementNode = { hostname: offer.hostname, attributes: offer.attributes };
  let remaining = offer.resources;
  const placements: Placement[] = [];
  for (const candidate of candidates) {
    while (candidate.wanted > 0 && placements.length < maxInstances) {
      if (!matchesConstraints(candidate.spec.constraints, node, candidate.placed)) {
        report.rejected(candidate, 'UnfulfilledConstraint');
        break;
      }
      const match = matchResources(remaining, candidate.spec, candidate.acceptedRoles, random);
      if (!match.ok) {
        report.rejected(candidate, match.reason);
        break;
      }
      placements.push({ candidate, resources: match.resources, hostPorts: match.hostPorts });
      remaining = remaining.minus(match.resources);
      candidate.placed.push(node);
      candidate.wanted--;
    }
  }
  return placements;
}
