/**
 * Runs `fn` over `items`, in list order, with at most `concurrency` calls in flight: how the health pull, the
 * cluster bundle's nodes and a node bundle's collectors bound their parallelism. Once `stop()` is true no further
 * item starts. Resolves when every started call has ended; if any rejected, rejects with the first failure then
 * (never while calls are still running, so a caller cleaning up after a failure races none of them).
 */
export async function eachBounded<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<void> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !stop()) await fn(items[next++]!);
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}
