/** The banner a page shows while one of its sources does not answer: what failed, and how old the data shown is. */
import type { Polled } from './poll.ts';
import { clockTime } from './format.ts';

export function StaleBanner({ sources }: { sources: readonly Polled<unknown>[] }) {
  const failing = sources.filter((s) => s.error !== undefined);
  if (failing.length === 0) return null;
  const since = Math.min(...failing.map((s) => s.failingSince ?? Date.now()));
  const updated = failing.map((s) => s.updatedAt).filter((t): t is number => t !== undefined);
  return (
    <div class="stale-banner" role="alert" data-testid="stale-banner">
      <strong>The cluster is not answering</strong> (since {clockTime(since)}):{' '}
      {failing.map((s) => s.error).join('; ')}.{' '}
      {updated.length > 0 ? `The data shown is from ${clockTime(Math.min(...updated))} and may be out of date.` : 'No data yet.'}
    </div>
  );
}
