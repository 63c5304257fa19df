/**
 * A unit's journal tail on any node, read through Admin Router's dcos-log locations: `/system/v1/logs/…` for the
 * leading master's own node, `/system/v1/agent/{mesos id}/logs/…` for an agent (its id from state-summary, matched
 * by hostname as the nodes page matches them). JSON lines, so each entry's time and priority are the journal's own.
 */
import { getJson, request } from './api.ts';
import type { StateSummary } from './cluster-types.ts';
import { usePoll } from './poll.ts';

export const JOURNAL_TAIL_ENTRIES = 50;

interface JournalJsonEntry {
  fields: { MESSAGE: string; PRIORITY: string };
  realtime_timestamp: number;
}

/** The dcos-log base path that reaches `ip`'s journals from this (the leading master's) Admin Router. */
async function logsBaseFor(ip: string): Promise<string> {
  const summary = await getJson<StateSummary>('/mesos/master/state-summary');
  const agent = summary.slaves.find((a) => a.hostname === ip);
  if (agent !== undefined) return `/system/v1/agent/${encodeURIComponent(agent.id)}/logs`;
  if (summary.hostname === ip) return '/system/v1/logs';
  throw new Error(`no journal route to ${ip}: neither the leading master nor a registered agent`);
}

async function loadTail(ip: string, unit: string): Promise<string> {
  const query = `?skip_prev=${JOURNAL_TAIL_ENTRIES}&limit=${JOURNAL_TAIL_ENTRIES}&filter=${encodeURIComponent(`_SYSTEMD_UNIT:${unit}`)}`;
  const text = await (await request('GET', `${await logsBaseFor(ip)}/v1/range/${query}`)).text();
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const entry = JSON.parse(line) as JournalJsonEntry;
      return `${new Date(entry.realtime_timestamp / 1000).toISOString()} <${entry.fields.PRIORITY}> ${entry.fields.MESSAGE}`;
    })
    .join('\n');
}

export function JournalTail({ ip, unit }: { ip: string; unit: string }) {
  const polled = usePoll(() => loadTail(ip, unit), [ip, unit]);
  if (polled.data === undefined) return <p class="loading">{polled.error ?? 'Loading the journal…'}</p>;
  return (
    <>
      <h3>Journal (last {JOURNAL_TAIL_ENTRIES} entries)</h3>
      <pre class="output" data-testid="journal-tail" tabIndex={0} aria-label="journal tail">
        {polled.data === '' ? '(the journal is empty)' : polled.data}
      </pre>
    </>
  );
}
