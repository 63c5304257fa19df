/**
 * A liveness probe: one question a component must answer for its unit to count as healthy, beyond the unit's
 * state (a hung process keeps its unit `active`). A probe names its unit and throws with a readable reason.
 */
export interface Probe {
  /** The unit whose health the probe decides, e.g. `dcos-spartan.service`. */
  readonly unit: string;
  /** What is asked, for the failure text: `ready.spartan at 127.0.1.1:53`. */
  readonly what: string;
  check(signal: AbortSignal): Promise<void>;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 2000;

/** Runs a probe under its timeout; resolves with the failure text, or undefined when it passed. */
export async function runProbe(probe: Probe, timeoutMs = DEFAULT_PROBE_TIMEOUT_MS): Promise<string | undefined> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // The timeout wins even over a probe that ignores its signal, so one hung component cannot stall the response.
  const timedOut = new Promise<string>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(`no answer within ${timeoutMs} ms`);
    }, timeoutMs);
  });
  try {
    const failure = await Promise.race([
      probe.check(controller.signal).then(
        () => undefined,
        (err: unknown) => (err instanceof Error ? err.message : String(err)),
      ),
      timedOut,
    ]);
    return failure === undefined ? undefined : `Liveness probe failed: ${probe.what}: ${failure}`;
  } finally {
    clearTimeout(timer);
  }
}
