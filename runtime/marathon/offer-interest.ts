/**
 * Whether Marathon wants offers. It suppresses them while nothing can be launched (no load on the allocator for an
 * idle framework) and revives them whenever new demand appears — an app created or scaled, a task to replace, a
 * launch delay run out — because revive also clears the decline filters (refuse_seconds) that agents got while
 * nothing there fitted. A count of waiting instances alone cannot tell: one app's launches may hide another's need.
 */
export type OfferCall = 'revive' | 'suppress';

export class OfferInterest {
  private suppressed = false;
  private reviveWanted = true;

  /** A fresh subscription: the master offers by default; the first decision revives if anything is wanted. */
  reset(): void {
    this.suppressed = false;
    this.reviveWanted = true;
  }

  /** New demand: offers declined before may fit now. */
  wantRevive(): void {
    this.reviveWanted = true;
  }

  /** The call to make, if any, when `launchable` instances could be launched right now. */
  decide(launchable: number): OfferCall | undefined {
    if (launchable > 0) {
      if (!this.suppressed && !this.reviveWanted) return undefined;
      this.suppressed = false;
      this.reviveWanted = false;
      return 'revive';
    }
    if (this.suppressed) return undefined;
    this.suppressed = true;
    return 'suppress';
  }
}
