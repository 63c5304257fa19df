/**
 * A client of dcos-diagnostics' v2 cluster bundle API on the master (`/system/health/v1/diagnostics[/{id}[/file]]`),
 * as DC/OS's CLI v2 used it, with its error answers (`{code,error}`) turned into the CLI's one-line messages.
 */
import { exchangeJson, send, serverErrorText } from './cluster-http.ts';
import { CliError } from './cluster-options.ts';

export type BundleStatus = 'Unknown' | 'Started' | 'InProgress' | 'Done' | 'Canceled' | 'Deleted' | 'Failed';

export interface Bundle {
  id: string;
  type: 'Local' | 'Cluster';
  size?: number;
  status: BundleStatus;
  started_at: string;
  stopped_at: string;
  errors?: string[];
}

/** No further change will come: polling stops here. */
export const FINAL_STATUSES: readonly string[] = ['Done', 'Failed', 'Canceled', 'Deleted'];

/** What `create` asks for: the v2 API's `{masters,agents}`, or minidc's `{nodes:[…]}` for one node. */
export type BundleSelection = { masters: boolean; agents: boolean } | { nodes: [string] };

/** A node as the master's health routes accept it: an address, a Mesos id or a hostname. */
const NODE = /^[A-Za-z0-9@._:-]{1,100}$/;
/**
 * Bundle ids become a file name (`<id>.zip`) and a URL path segment: no separators, no leading dot (so no `..`),
 * the characters of a UUID and a little more.
 */
const BUNDLE_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

export function selectionOf(selector: string): BundleSelection {
  if (selector === 'all') return { masters: true, agents: true };
  if (selector === 'masters') return { masters: true, agents: false };
  if (selector === 'agents') return { masters: false, agents: true };
  if (NODE.test(selector)) return { nodes: [selector] };
  throw new CliError(`${JSON.stringify(selector)} is not all, masters, agents or a node (address, Mesos id or hostname)`);
}

export function checkBundleId(id: string): string {
  if (!BUNDLE_ID.test(id)) throw new CliError(`${JSON.stringify(id)} is not a bundle id (letters, digits, '.', '_', '-'; at most 100)`);
  return id;
}

/** DC/OS's CLI wording for the API's answers; anything else in the server's own words. */
export function bundleErrorText(status: number, id: string | undefined, serverText: string): string {
  if (status === 404 && id !== undefined && !/not done/i.test(serverText)) return `no bundle ${id}`;
  if (status === 410 && id !== undefined) {
    const was = /\bwas (\w+)/.exec(serverText)?.[1];
    return was === undefined ? serverText : `bundle ${id} was ${was}`;
  }
  if (status === 507) return `the master has no room for the bundle: ${serverText}`;
  return status === 409 || status === 404 ? serverText : `${serverText} (HTTP ${status})`;
}

export class BundleClient {
  readonly #base: string;
  readonly #timeoutMs: number;

  constructor(diagnosticsUrl: string, timeoutMs: number) {
    this.#base = `${diagnosticsUrl}/system/health/v1/diagnostics`;
    this.#timeoutMs = timeoutMs;
  }

  urlOf(id?: string, file = false): string {
    return `${this.#base}${id === undefined ? '' : `/${encodeURIComponent(id)}`}${file ? '/file' : ''}`;
  }

  async #call(method: 'GET' | 'PUT' | 'DELETE', id: string | undefined, body?: unknown): Promise<unknown> {
    const r = await exchangeJson(this.urlOf(id), { method, timeoutMs: this.#timeoutMs, ...(body === undefined ? {} : { body }) });
    if (r.error !== undefined) throw new CliError(bundleErrorText(r.status, id, r.error));
    return r.body;
  }

  async create(id: string, selection: BundleSelection): Promise<Bundle> {
    return bundleOf(await this.#call('PUT', id, selection), this.urlOf(id));
  }

  async status(id: string): Promise<Bundle> {
    return bundleOf(await this.#call('GET', id), this.urlOf(id));
  }

  async list(): Promise<Bundle[]> {
    const body = await this.#call('GET', undefined);
    if (!Array.isArray(body)) throw new CliError(`GET ${this.urlOf()}: not a list of bundles`);
    return body.map((b) => bundleOf(b, this.urlOf()));
  }

  /** The cluster-level DELETE answers 200 with an empty body. */
  async delete(id: string): Promise<void> {
    await this.#call('DELETE', id);
  }

  /** The bundle's zip as a response still to be read; `signal` is the caller's (a stall timer, not a total). */
  async file(id: string, signal: AbortSignal): Promise<Response> {
    const url = this.urlOf(id, true);
    const response = await send(url, { timeoutMs: this.#timeoutMs, signal });
    if (response.status !== 200) throw new CliError(bundleErrorText(response.status, id, await serverErrorText(response, `GET ${url}`, this.#timeoutMs)));
    return response;
  }
}

function bundleOf(body: unknown, url: string): Bundle {
  const b = body as Bundle | null;
  if (typeof b !== 'object' || b === null || typeof b.id !== 'string' || typeof b.status !== 'string') throw new CliError(`${url}: not a bundle object ({id,status,…})`);
  return b;
}
