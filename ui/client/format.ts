/** How the page writes numbers and times. */
export const clockTime = (ms: number): string => new Date(ms).toLocaleTimeString([], { hour12: false });

export const percent = (fraction: number): string => `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)}%`;

/** Mesos's mem and disk are in MB. */
export function megabytes(mb: number): string {
  if (mb >= 1024 * 1024) return `${(mb / 1024 / 1024).toFixed(1)} TB`;
  if (mb >= 1024) return `${(mb / 1024).toFixed(1)} GB`;
  return `${Math.round(mb)} MB`;
}

export const cpus = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2));

export function bytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}
