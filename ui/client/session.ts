/**
 * Whether the browser holds a token Admin Router accepts. The token lives in DC/OS's `dcos-acs-auth-cookie`, which
 * Admin Router reads on every guarded location; login sets it, logout and any 401 clear the page's belief in it.
 */
export const AUTH_COOKIE = 'dcos-acs-auth-cookie';
const LOGIN_PATH = '/acs/api/v1/auth/login';
/** DC/OS IAM's token lifetime: five days. */
const COOKIE_MAX_AGE_S = 5 * 24 * 3600;

type SessionState = 'unknown' | 'in' | 'out';
type Listener = (state: SessionState) => void;

class Session {
  state: SessionState = 'unknown';
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  loggedIn(): void {
    this.set('in');
  }

  loggedOut(): void {
    this.set('out');
  }

  /** Posts uid and password; resolves with an error sentence, or undefined once the cookie is set. */
  async login(uid: string, password: string): Promise<string | undefined> {
    let response: Response;
    try {
      response = await fetch(LOGIN_PATH, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ uid, password }) });
    } catch (err) {
      return `Admin Router did not answer: ${(err as Error).message}`;
    }
    const body = (await response.json().catch(() => ({}))) as { token?: string; description?: string };
    if (!response.ok || body.token === undefined) return body.description ?? `login failed (${response.status})`;
    document.cookie = `${AUTH_COOKIE}=${body.token}; path=/; max-age=${COOKIE_MAX_AGE_S}; SameSite=Strict`;
    this.set('in');
    return undefined;
  }

  logout(): void {
    document.cookie = `${AUTH_COOKIE}=; path=/; max-age=0; SameSite=Strict`;
    this.set('out');
  }

  private set(state: SessionState): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}

export const session = new Session();
