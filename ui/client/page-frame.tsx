/** What every page has: its heading, the stale-data banner of its sources, and "Loading…" until its first data. */
import type { ComponentChildren } from 'preact';
import type { Polled } from './poll.ts';
import { StaleBanner } from './stale-banner.tsx';

export function PageFrame({ id, title, sources, loaded, children }: { id: string; title: string; sources: readonly Polled<unknown>[]; loaded: boolean; children?: ComponentChildren }) {
  const error = sources.find((s) => s.error !== undefined)?.error;
  return (
    <section aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`}>{title}</h1>
      <StaleBanner sources={sources} />
      {loaded ? children : <p class="loading">{error ?? 'Loading…'}</p>}
    </section>
  );
}

/** A table's column headings. */
export function HeaderRow({ columns }: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th scope="col" key={c}>
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}
