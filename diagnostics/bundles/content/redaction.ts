/**
 * Keeps secrets out of bundles: every byte of every bundle file passes through a `Redaction` stream, which
 * replaces
 * 1. each occurrence of a known secret value (from config and environment, `secretsFrom`) with `[REDACTED]`, and
 * 2. the value of every `KEY=value` and `"key": "value"` whose key looks secret, even when the value is not known
 *    (environments printed by commands, JSON dumps such as `/master/flags` or Marathon apps' `env`).
 * Two stages in series, literals first, so a known secret inside a harmless-looking `URL=…` is still caught. Each
 * stage keeps back a tail of the bytes seen so far, so an occurrence split across chunks is still whole when matched.
 * Text is matched as latin1 (one char per byte), so offsets are byte offsets and any encoding passes unchanged.
 */
import { Transform, type TransformCallback } from 'node:stream';

export const REDACTED = '[REDACTED]';

/** Names of config keys and environment variables whose values are secrets. */
export const SECRET_NAME = /token|secret|password|passwd|credential|private.?key|api.?key|auth/i;

/** Shorter values would redact ordinary words and numbers everywhere. */
export const MIN_SECRET_LENGTH = 4;

/**
 * The secret values in a config object (any depth; every string under a secret-looking key, e.g. a whole
 * `credentials` object) and in an environment, plus `explicit` ones, deduplicated, at least MIN_SECRET_LENGTH long.
 */
export function secretsFrom(config: object, env: NodeJS.ProcessEnv, explicit: readonly string[] = []): string[] {
  const found = new Set<string>();
  const take = (value: unknown): void => {
    // Strings only: a number under such a key (`authentication_timeout: 3000`) would redact that number everywhere.
    if (typeof value === 'string') {
      if (value.length >= MIN_SECRET_LENGTH) found.add(value);
    } else if (typeof value === 'object' && value !== null) {
      for (const v of Object.values(value)) take(v);
    }
  };
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      urlCredentials(value).forEach(take);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, v] of Object.entries(value)) {
      if (SECRET_NAME.test(key)) take(v);
      else walk(v);
    }
  };
  walk(config);
  for (const [name, value] of Object.entries(env)) {
    if (SECRET_NAME.test(name)) take(value);
    else if (value !== undefined) walk(value);
  }
  for (const value of explicit) take(value);
  return [...found];
}

/**
 * The password of a URL with credentials (`https://user:pass@host/…`, e.g. a `signal_endpoint`) and its
 * `user:pass` pair, encoded and decoded: whatever the key is called, the URL carries a secret.
 */
function urlCredentials(text: string): string[] {
  if (!text.includes('@') || !URL.canParse(text)) return [];
  const url = new URL(text);
  if (url.password === '') return [];
  // As written (percent-encoded) and as meant, since a dump may show either.
  const password = decodeURIComponent(url.password);
  return [url.password, `${url.username}:${url.password}`, password, `${decodeURIComponent(url.username)}:${password}`];
}

/**
 * One streaming stage: matches of `pattern` are rewritten by `replace`; the last `keep` bytes (enough to hold
 * any match the end of the text may have cut) and any match reaching the end wait for the next chunk.
 */
class PatternStage {
  private pending = '';

  constructor(
    private readonly pattern: RegExp | undefined,
    private readonly keep: number,
    private readonly replace: (m: RegExpMatchArray) => string,
  ) {}

  feed(text: string): string {
    return this.run(this.pending + text, false);
  }

  end(): string {
    const rest = this.pending;
    this.pending = '';
    return this.run(rest, true);
  }

  private run(text: string, final: boolean): string {
    if (!this.pattern) return text;
    let out = '';
    let pos = 0;
    let limit = final ? text.length : Math.max(0, text.length - this.keep);
    for (const m of text.matchAll(this.pattern)) {
      const start = m.index;
      if (start >= limit) break;
      if (!final && start + m[0].length >= text.length) {
        limit = start;
        break;
      }
      out += text.slice(pos, start) + this.replace(m);
      pos = start + m[0].length;
    }
    if (pos < limit) {
      out += text.slice(pos, limit);
      pos = limit;
    }
    this.pending = text.slice(pos);
    return out;
  }
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Known secret values, in their raw and their JSON-escaped spelling. */
function literalStage(secrets: readonly string[]): PatternStage {
  const spellings = new Set<string>();
  for (const s of secrets) {
    if (s === '') continue;
    spellings.add(s);
    spellings.add(JSON.stringify(s).slice(1, -1));
  }
  // As latin1, so lengths and offsets are bytes like the stream's. Longest first, so a secret containing another is
  // replaced whole; and a match starting before the kept tail has every longer candidate there whole.
  const bytes = [...spellings].map((s) => Buffer.from(s, 'utf8').toString('latin1')).sort((a, b) => b.length - a.length);
  const pattern = bytes.length === 0 ? undefined : new RegExp(bytes.map(escapeRegex).join('|'), 'g');
  return new PatternStage(pattern, Math.max(0, (bytes[0]?.length ?? 0) - 1), () => REDACTED);
}

/** Longest value a shape redacts (a PEM key JSON-escaped fits); longer values are not recognised as one. */
const MAX_SHAPE_VALUE = 16 * 1024;
const MAX_KEY = 128;
/** Values that carry no secret even under a secret-looking key (`"authenticate_agents": "false"`). */
const HARMLESS_VALUE = /^(true|false|null|)$/i;

/**
 * `"key": "value"` (JSON) and `KEY=value` (env lines, `--flag=value`, query strings). The value of `KEY=` runs to
 * whitespace, a quote or a separator; quoted values to the closing quote.
 */
const SHAPES = new RegExp(
  [
    `(?<jkey>"(?<jname>[^"\\\\]{1,${MAX_KEY}})"\\s*:\\s*)"(?<jvalue>(?:[^"\\\\]|\\\\.){0,${MAX_SHAPE_VALUE}})"`,
    `(?<![A-Za-z0-9_])(?<ekey>(?<ename>[A-Za-z_][A-Za-z0-9_.-]{0,${MAX_KEY}})=)(?<evalue>"[^"\\n]{0,${MAX_SHAPE_VALUE}}"|'[^'\\n]{0,${MAX_SHAPE_VALUE}}'|[^\\s"'&;,]{0,${MAX_SHAPE_VALUE}})`,
  ].join('|'),
  'g',
);

function redactShape(m: RegExpMatchArray): string {
  const g = m.groups!;
  if (g.jkey !== undefined) {
    return SECRET_NAME.test(g.jname!) && !HARMLESS_VALUE.test(g.jvalue!) ? `${g.jkey}"${REDACTED}"` : m[0];
  }
  const value = g.evalue!;
  const quote = value.startsWith('"') || value.startsWith("'") ? value[0]! : '';
  const bare = quote === '' ? value : value.slice(1, -1);
  return SECRET_NAME.test(g.ename!) && !HARMLESS_VALUE.test(bare) ? `${g.ekey}${quote}${REDACTED}${quote}` : m[0];
}

/** Literals first, so a known secret inside a harmless-looking `URL=…` value is still caught. */
function redactionStages(secrets: readonly string[]): PatternStage[] {
  return [literalStage(secrets), new PatternStage(SHAPES, MAX_SHAPE_VALUE + MAX_KEY + 16, redactShape)];
}

/** Each stage's rest, through the stages after it. */
function endAll(list: readonly PatternStage[], text = ''): string {
  for (const stage of list) text = stage.feed(text) + stage.end();
  return text;
}

export class Redaction extends Transform {
  private readonly stages: PatternStage[];

  constructor(secrets: readonly string[]) {
    super();
    this.stages = redactionStages(secrets);
  }

  override _transform(chunk: Buffer | string, encoding: BufferEncoding, callback: TransformCallback): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
    this.pushText(this.stages.reduce((text, stage) => stage.feed(text), bytes.toString('latin1')));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.pushText(endAll(this.stages));
    callback();
  }

  private pushText(text: string): void {
    if (text !== '') this.push(Buffer.from(text, 'latin1'));
  }
}

/** A whole string through the same rules (error texts). */
export function redactText(text: string, secrets: readonly string[]): string {
  return Buffer.from(endAll(redactionStages(secrets), Buffer.from(text, 'utf8').toString('latin1')), 'latin1').toString('utf8');
}
