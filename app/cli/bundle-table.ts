/** Bundles as `minidc node diagnostics list|status` prints them. */
import type { Bundle } from './bundle-client.ts';
import { humanBytes, renderTable } from './text-table.ts';

/** Go's zero time.Time, what the API says for a time not reached yet. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

const timeOf = (t: string | undefined) => (t === undefined || t === '' || t === ZERO_TIME ? '-' : t);

export function bundleTable(bundles: readonly Bundle[]): string {
  const sorted = [...bundles].sort((a, b) => a.started_at.localeCompare(b.started_at) || a.id.localeCompare(b.id));
  return renderTable([
    ['ID', 'STATUS', 'STARTED', 'STOPPED', 'SIZE', 'ERRORS'],
    ...sorted.map((b) => [b.id, b.status, timeOf(b.started_at), timeOf(b.stopped_at), b.size === undefined ? '-' : humanBytes(b.size), String(b.errors?.length ?? 0)]),
  ]);
}

/** One bundle: the table row, then its errors one a line (the table only counts them). */
export function bundleStatusText(bundle: Bundle): string {
  return [bundleTable([bundle]), ...(bundle.errors ?? []).map((e) => `error: ${e}`)].join('\n');
}
