/**
 * Where Mesos-DNS reads the cluster from. Injected, so the same module runs against the embedded cluster (which can
 * hand its state over in-process) and a real Mesos master (over HTTP, as Mesos-DNS does).
 */

export interface MesosStateSource {
  /** The JSON of Mesos's `GET /master/state`; rejects when it cannot be read. */
  fetchState(signal: AbortSignal): Promise<unknown>;
}

/**
 * `GET <master>/master/state` with Mesos-DNS's headers and a timeout. Given several masters, they are tried in order
 * until one returns a state that names a leader.
 */
export function httpStateSource(masterUrls: string | readonly string[], timeoutMs: number): MesosStateSource {
  const urls = (typeof masterUrls === 'string' ? [masterUrls] : masterUrls).map((u) => u.replace(/\/+$/, ''));
  if (urls.length === 0) throw new Error('httpStateSource needs at least one master URL');
  return {
    async fetchState(signal: AbortSignal): Promise<unknown> {
      const failures: string[] = [];
      for (const url of urls) {
        try {
          return await fetchOne(`${url}/master/state`, AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]));
        } catch (e) {
          if (signal.aborted) throw e;
          failures.push(`${url}: ${(e as Error).message}`);
        }
      }
      throw new Error(`cannot read master state (${failures.join('; ')})`);
    },
  };
}

async function fetchOne(url: string, signal: AbortSignal): Promise<unknown> {
  const res = await fetch(url, { signal, headers: { Accept: 'application/json', 'User-Agent': 'Mesos-DNS' } });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`HTTP ${res.status}`);
  }
  const state = (await res.json()) as { leader?: unknown };
  if (typeof state !== 'object' || state === null || typeof state.leader !== 'string' || state.leader === '') {
    throw new Error('state names no leader');
  }
  return state;
}

/**
 * Reads the state within `timeoutMs`, or until `signal` aborts — even from a source that ignores its signal, so a
 * hung source cannot hold up a reload or a shutdown.
 */
export function readState(source: MesosStateSource, signal: AbortSignal, timeoutMs: number): Promise<unknown> {
  const bounded = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(bounded.reason instanceof Error ? bounded.reason : new Error('state read aborted'));
    if (bounded.aborted) return onAbort();
    bounded.addEventListener('abort', onAbort, { once: true });
    source.fetchState(bounded).then(
      (state) => {
        bounded.removeEventListener('abort', onAbort);
        resolve(state);
      },
      (e: unknown) => {
        bounded.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** A source that always returns what it was last given (tests, and in-process wiring). */
export class StaticStateSource implements MesosStateSource {
  constructor(private state: unknown) {}

  set(state: unknown): void {
    this.state = state;
  }

  fetchState(): Promise<unknown> {
    return Promise.resolve(this.state);
  }
}
