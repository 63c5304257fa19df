/**
 * One unit on one node, as the node's dcos-diagnostics reports it: health, description and output (an unhealthy
 * unit's is the failed rule and its journal's last 50 lines; a healthy one's is empty), then, for any unit, its
 * journal's tail read through dcos-log (journal-tail.tsx).
 */
import { getJson } from './api.ts';
import { healthName, type NodeUnitHealth } from './cluster-types.ts';
import { JournalTail } from './journal-tail.tsx';
import { usePoll } from './poll.ts';
import { StaleBanner } from './stale-banner.tsx';

export function UnitDetail({ ip, unit, onClose }: { ip: string; unit: string; onClose(): void }) {
  const polled = usePoll(() => getJson<NodeUnitHealth>(`/system/health/v1/nodes/${encodeURIComponent(ip)}/units/${encodeURIComponent(unit)}`), [ip, unit]);
  const data = polled.data;
  return (
    <section class="unit-detail panel" aria-labelledby="unit-detail-title" data-testid="unit-detail">
      <div class="detail-head">
        <h2 id="unit-detail-title">
          {unit} on {ip}
        </h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <StaleBanner sources={[polled]} />
      {data === undefined ? (
        <p class="loading">{polled.error ?? 'Loading…'}</p>
      ) : (
        <>
          <p>
            <span class={`badge h${data.health}`}>{healthName(data.health)}</span> {data.name}: {data.description}
          </p>
          {data.output === '' ? (
            <p class="note">No output: the unit is healthy (a diagnostic bundle holds every journal in full).</p>
          ) : (
            <pre class="output" data-testid="unit-output" tabIndex={0} aria-label="unit output and journal tail">
              {data.output}
            </pre>
          )}
          <JournalTail ip={ip} unit={unit} />
        </>
      )}
    </section>
  );
}
