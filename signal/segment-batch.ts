/**
 * The body of one POST to Segment's batch API (`/v1/batch`), as analytics-go 2.0.0 sent dcos-signal's tracks:
 * `{"batch":[…],"context":{"library":{…}},"messageId","sentAt"}`.
 */
import { randomUUID } from 'node:crypto';
import type { TrackEvent } from './track-event.ts';

export interface SegmentBatch {
  batch: TrackEvent[];
  context: { library: { name: string; version: string } };
  messageId: string;
  sentAt: string;
}

/** Who built the batch: Segment's `context.library` names the sending library. */
export const SIGNAL_LIBRARY = 'minidc-signal';

export function segmentBatch(events: readonly TrackEvent[], libraryVersion: string, at: Date): SegmentBatch {
  return {
    batch: [...events],
    context: { library: { name: SIGNAL_LIBRARY, version: libraryVersion } },
    messageId: randomUUID(),
    sentAt: at.toISOString(),
  };
}
