/**
 * "First meaningful paint" of a page: the first frame that shows its live data. Marked as a User Timing entry
 * (`ready:<page>`) once the frame has been painted, which the browser test waits for and the benchmark reads.
 */
const marked = new Set<string>();

export function markReady(page: string): void {
  if (marked.has(page)) return;
  marked.add(page);
  requestAnimationFrame(() =>
    setTimeout(() => {
      performance.mark(`ready:${page}`);
      document.body.dataset.ready = `${document.body.dataset.ready ?? ''} ${page}`.trim();
    }),
  );
}

/** A live update's cost, from its data in hand to its frame painted: `update:<page>` measures. */
export function measureUpdate(page: string, dataAt: number): void {
  requestAnimationFrame(() => setTimeout(() => performance.measure(`update:${page}`, { start: dataAt, end: performance.now() })));
}
