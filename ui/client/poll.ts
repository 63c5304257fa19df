/**
 * Live data without a reload: a hook that runs a loader now and then every poll interval (after the last run
 * ends, so a slow cluster is never asked twice at once), keeping the last good data while the cluster does not
 * answer and saying since when it has not. `?poll=<ms>` in the page's URL sets the interval (tests, benchmarks).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.ts';

export const POLL_INTERVAL_MS = pollIntervalFromUrl() ?? 5_000;

export interface Polled<T> {
  data?: T;
  /** The last run's failure; absent once a run succeeds. */
  error?: string;
  /** When data was last fetched (ms since the epoch). */
  updatedAt?: number;
  /** When the runs started failing. */
  failingSince?: number;
}

export function usePoll<T>(load: () => Promise<T>, deps: readonly unknown[], intervalMs = POLL_INTERVAL_MS): Polled<T> & { refresh(): void } {
  const [state, setState] = useState<Polled<T>>({});
  const wake = useRef<() => void>(() => {});
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    const run = async () => {
      if (stopped || running) return;
      running = true;
      clearTimeout(timer);
      try {
        const data = await load();
        if (!stopped) setState({ data, updatedAt: Date.now() });
      } catch (err) {
        // A 401 unmounts the page (the login form replaces it): nothing more to poll.
        if (err instanceof ApiError && err.status === 401) stopped = true;
        else if (!stopped) setState((s) => ({ ...s, error: (err as Error).message, failingSince: s.failingSince ?? Date.now() }));
      } finally {
        running = false;
      }
      if (!stopped) timer = setTimeout(run, intervalMs);
    };
    wake.current = () => void run();
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, deps);
  return { ...state, refresh: () => wake.current() };
}

function pollIntervalFromUrl(): number | undefined {
  const value = Number(new URLSearchParams(location.search).get('poll'));
  return Number.isFinite(value) && value >= 100 ? value : undefined;
}
