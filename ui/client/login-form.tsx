/** The login form Admin Router's guard calls for: uid and password, posted to `/acs/api/v1/auth/login`. */
import { useState } from 'preact/hooks';
import { session } from './session.ts';

export function LoginForm() {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    const failed = await session.login(String(form.get('uid') ?? ''), String(form.get('password') ?? ''));
    setBusy(false);
    setError(failed);
  };
  return (
    <main class="login">
      <form onSubmit={submit} class="panel" aria-labelledby="login-title" data-testid="login-form">
        <h1 id="login-title">Log in to minidc</h1>
        <p class="note">The first admin's credential is in &lt;data_dir&gt;/auth/admin-credential.json.</p>
        <label for="login-uid">User</label>
        <input id="login-uid" name="uid" autocomplete="username" required autofocus />
        <label for="login-password">Password</label>
        <input id="login-password" name="password" type="password" autocomplete="current-password" required />
        <button type="submit" disabled={busy}>
          Log in
        </button>
        {error !== undefined && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
