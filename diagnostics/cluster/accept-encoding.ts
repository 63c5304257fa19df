/**
 * Which content coding to answer a request in, from its `Accept-Encoding` (RFC 9110 §12.5.3): brotli or gzip when
 * the client accepts it (q > 0), brotli first on a tie (smaller), otherwise identity.
 */
export type BodyEncoding = 'br' | 'gzip' | 'identity';

export function preferredEncoding(acceptEncoding: string | undefined): BodyEncoding {
  if (acceptEncoding === undefined) return 'identity';
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (coding === '') continue;
    const qParam = params.find((p) => p.startsWith('q='));
    const value = qParam === undefined ? 1 : Number(qParam.slice(2));
    q.set(coding, Number.isFinite(value) ? value : 0);
  }
  const weight = (coding: string) => q.get(coding) ?? (coding === 'gzip' ? q.get('x-gzip') : undefined) ?? q.get('*') ?? 0;
  const br = weight('br');
  const gzip = weight('gzip');
  if (br > 0 && br >= gzip) return 'br';
  if (gzip > 0) return 'gzip';
  return 'identity';
}
