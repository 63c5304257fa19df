/**
 * Tokens already verified, by their exact string, until their `exp`: an RS256 signature check costs about 100 µs
 * of CPU, more than the rest of a proxied request, and a client sends the same token on every request for days.
 * Bounded (least recently used goes first) so a stream of distinct valid tokens cannot grow it without limit; only
 * admitted tokens enter, so invalid ones cannot push out the good. A hit is judged against the clock at every use,
 * so a cached token stops working at its `exp` exactly as an uncached one would (no clock tolerance extends it).
 */
import type { Clock } from '../../time/clock.ts';

export const DEFAULT_VERIFIED_TOKEN_CACHE_SIZE = 1_000;

interface Verified {
  uid: string;
  expMs: number;
}

export class VerifiedTokenCache {
  // A Map keeps insertion order: re-inserting on a hit makes the first key the least recently used.
  private readonly entries = new Map<string, Verified>();

  constructor(
    private readonly clock: Clock,
    private readonly maxEntries = DEFAULT_VERIFIED_TOKEN_CACHE_SIZE,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The uid of a token verified before and not expired yet; undefined otherwise (an expired entry is dropped). */
  uidOf(token: string): string | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    this.entries.delete(token);
    if (this.clock.wallMs() >= entry.expMs) return undefined;
    this.entries.set(token, entry);
    return entry.uid;
  }

  /** Remembers a token just verified, whose `exp` claim is `expSeconds`; one already expired is not kept. */
  remember(token: string, uid: string, expSeconds: number): void {
    const expMs = expSeconds * 1000;
    if (this.maxEntries <= 0 || this.clock.wallMs() >= expMs) return;
    this.entries.delete(token);
    this.entries.set(token, { uid, expMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
