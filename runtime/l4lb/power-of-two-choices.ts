/**
 * Minuteman's backend choice (Mitzenmacher's power of two choices): draw two distinct backends at random and take
 * the one with fewer pending connections. It needs no global view yet avoids the herding of "least loaded", and it
 * costs two random draws however many backends there are. Backends that are down are used only when every backend
 * is down, as Minuteman did, so a VIP whose backends all flapped still tries instead of refusing.
 */

export interface PickableBackend {
  /** Connections open or being opened to this backend (by this proxy). */
  readonly pending: number;
  readonly down: boolean;
}

export function pickPowerOfTwo<T extends PickableBackend>(
  backends: readonly T[],
  random: () => number,
  exclude?: ReadonlySet<T>,
): T | undefined {
  const usable = (b: T) => exclude === undefined || !exclude.has(b);
  let candidates = backends.filter((b) => !b.down && usable(b));
  if (candidates.length === 0) candidates = backends.filter(usable);
  const n = candidates.length;
  if (n <= 1) return candidates[0];
  const i = Math.floor(random() * n);
  let j = Math.floor(random() * (n - 1));
  if (j >= i) j++;
  const a = candidates[i]!;
  const b = candidates[j]!;
  return b.pending < a.pending ? b : a;
}
