/**
 * Names of the legacy bundle API: a bundle is `bundle-YYYY-MM-DD-<unix seconds>` (the UTC date), its file
 * `<id>.zip`, as dcos-diagnostics has named them since COPS-1875 (the colons of its earlier time-of-day names broke
 * tools). A file name from a request is taken only as `bundle-<id>.zip` around a valid bundle id, so no path is ever
 * built from anything else (`../x`, `bundle-x.zip/../..` are refused before the store is asked).
 */
import { BundleError, isBundleId, type BundleStore } from './bundle-store.ts';

const PREFIX = 'bundle-';
const SUFFIX = '.zip';
/** Seconds tried past the current one for a free name (a job that ended within its first second holds it). */
const MAX_NAME_TRIES = 60;

export function legacyBundleId(unixSeconds: number): string {
  return `${PREFIX}${new Date(unixSeconds * 1000).toISOString().slice(0, 10)}-${unixSeconds}`;
}

export function isLegacyBundleId(id: string): boolean {
  return id.startsWith(PREFIX);
}

export function legacyFileName(id: string): string {
  return `${id}${SUFFIX}`;
}

/** The bundle id a legacy file name names; undefined when it is not `bundle-*.zip` around a valid id. */
export function legacyIdOf(fileName: string): string | undefined {
  if (!fileName.startsWith(PREFIX) || !fileName.endsWith(SUFFIX)) return undefined;
  const id = fileName.slice(0, -SUFFIX.length);
  return isBundleId(id) ? id : undefined;
}

/**
 * The name of a bundle started now by the store's clock. Names stay unique: when this second's name is taken (a
 * job canceled or finished within its first second), the next free second is used, so a quick second create never
 * fails on a name clash.
 */
export async function freeLegacyBundleId(store: BundleStore): Promise<string> {
  const now = Math.floor(Date.parse(store.now()) / 1000);
  for (let seconds = now; seconds < now + MAX_NAME_TRIES; seconds++) {
    const id = legacyBundleId(seconds);
    // A bundle whose state cannot be read still holds its name.
    if (await store.get(id).then((b) => b === undefined, () => false)) return id;
  }
  throw new BundleError(409, `no free bundle name: ${legacyFileName(legacyBundleId(now))} and the ${MAX_NAME_TRIES - 1} after it exist`);
}
