/**
 * Diagnostics: create a cluster bundle of every node, the masters, the agents or one node (the master's
 * dcos-diagnostics v2 API), watch it run (the list is read every second while one is under way), download it
 * (a plain link: the browser sends the auth cookie), delete it.
 */
import { useState } from 'preact/hooks';
import { getJson, request } from './api.ts';
import type { Bundle, HealthNode } from './cluster-types.ts';
import { bytes } from './format.ts';
import { POLL_INTERVAL_MS, usePoll } from './poll.ts';
import { markReady } from './ready-mark.ts';
import { HeaderRow, PageFrame } from './page-frame.tsx';

const BUNDLES = '/system/health/v1/diagnostics';
const RUNNING = new Set(['Started', 'InProgress']);
const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** `bundle-2026-12-08T01-02-03-ab12`: sortable, readable, and within the API's id pattern. */
const newBundleId = () => `bundle-${new Date().toISOString().slice(0, 19).replaceAll(':', '-')}-${Math.random().toString(16).slice(2, 6)}`;

export function DiagnosticsPage() {
  const [busy, setBusy] = useState(false);
  const bundles = usePoll(() => getJson<Bundle[]>(BUNDLES), [busy], busy ? Math.min(1_000, POLL_INTERVAL_MS) : POLL_INTERVAL_MS);
  const nodes = usePoll(() => getJson<{ nodes: HealthNode[] | null }>('/system/health/v1/nodes'), []);
  const [target, setTarget] = useState('all');
  const [message, setMessage] = useState<string>();
  const [created, setCreated] = useState<string>();
  const list = bundles.data;
  const createdStatus = list?.find((b) => b.id === created)?.status;
  const running = list?.some((b) => RUNNING.has(b.status)) ?? false;
  if (running !== busy) setBusy(running);
  if (list !== undefined) markReady('diagnostics');

  const create = async (event: Event) => {
    event.preventDefault();
    const id = newBundleId();
    try {
      await request('PUT', `${BUNDLES}/${id}`, { nodes: [target] });
      setMessage(undefined);
      setCreated(id);
      setBusy(true);
    } catch (err) {
      setMessage((err as Error).message);
    }
    bundles.refresh();
  };
  const remove = async (id: string) => {
    try {
      await request('DELETE', `${BUNDLES}/${encodeURIComponent(id)}`);
      setMessage(`Bundle ${id} ${RUNNING.has(list?.find((b) => b.id === id)?.status ?? '') ? 'canceled' : 'deleted'}.`);
      if (id === created) setCreated(undefined);
    } catch (err) {
      setMessage((err as Error).message);
    }
    bundles.refresh();
  };

  return (
    <PageFrame id="diagnostics" title="Diagnostics" sources={[bundles, nodes]} loaded={true}>
      <form class="panel bundle-form" onSubmit={create}>
        <label for="bundle-target">Nodes</label>
        <select id="bundle-target" value={target} onChange={(e) => setTarget((e.target as HTMLSelectElement).value)}>
          <option value="all">all nodes</option>
          <option value="masters">masters</option>
          <option value="agents">agents</option>
          {(nodes.data?.nodes ?? []).map((n) => (
            <option key={n.host_ip} value={n.host_ip}>
              {n.host_ip} ({n.role})
            </option>
          ))}
        </select>
        <button type="submit">Create bundle</button>
        <p role="status" class="note" data-testid="bundle-message">
          {message ?? (created === undefined ? '' : createdStatus === 'Done' ? `Bundle ${created} is ready to download.` : `Creating bundle ${created}… (${createdStatus ?? 'Started'})`)}
        </p>
      </form>
      {list === undefined ? (
        <p class="loading">Loading…</p>
      ) : list.length === 0 ? (
        <p>No bundles yet.</p>
      ) : (
        <div class="table-box">
          <table data-testid="bundles-table">
            <HeaderRow columns={['bundle', 'status', 'started', 'took', 'size', 'actions']} />
            <tbody>
              {[...list].reverse().map((b) => (
                <tr key={b.id} data-bundle={b.id} data-status={b.status}>
                  <th scope="row">{b.id}</th>
                  <td>
                    {RUNNING.has(b.status) ? <progress aria-label={`bundle ${b.id} in progress`} /> : null} {b.status}
                    {(b.errors?.length ?? 0) > 0 ? <div class="note">{b.errors!.join('; ')}</div> : null}
                  </td>
                  <td>{new Date(b.started_at).toLocaleString()}</td>
                  <td>{took(b)}</td>
                  <td>{b.status === 'Done' && b.size !== undefined ? bytes(b.size) : '–'}</td>
                  <td class="actions">
                    {b.status === 'Done' && (
                      <a href={`${BUNDLES}/${encodeURIComponent(b.id)}/file`} download={`${b.id}.zip`}>
                        Download
                      </a>
                    )}
                    {b.status !== 'Deleted' && (
                      <button type="button" onClick={() => void remove(b.id)} aria-label={`${RUNNING.has(b.status) ? 'Cancel' : 'Delete'} bundle ${b.id}`}>
                        {RUNNING.has(b.status) ? 'Cancel' : 'Delete'}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </PageFrame>
  );
}

function took(b: Bundle): string {
  const end = b.stopped_at === GO_ZERO_TIME ? Date.now() : Date.parse(b.stopped_at);
  const seconds = Math.max(0, Math.round((end - Date.parse(b.started_at)) / 1000));
  return `${seconds} s`;
}
