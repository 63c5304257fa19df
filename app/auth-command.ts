/**
 * `minidc auth login|logout|token`: a token from the master's Admin Router (`POST /acs/api/v1/auth/login`), kept in
 * the CLI's token store (app/cli/token-store.ts) under the Admin Router's URL. Login as a local user
 * (`--username` with `--password` or `--password-file`), as a service account (`--service-account` with
 * `--private-key`: the CLI signs a short-lived login token with it, as DC/OS's service-account login), or, given
 * neither, with the first admin credential `minidc start` wrote into the data dir.
 */
import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { SignJWT } from 'jose';
import { authDirOf } from '../runtime/adminrouter/auth/auth-dir.ts';
import { ADMIN_CREDENTIAL_FILE, readAdminCredential } from '../runtime/adminrouter/auth/first-admin-credential.ts';
import { LOGIN_PATH } from '../runtime/adminrouter/auth/login-routes.ts';
import { readBody, send } from './cli/cluster-http.ts';
import { CliError, DEFAULT_TIMEOUT_SECONDS, oneLineUsageErrors, runClusterCommand, timeoutOf, type ClusterOptions } from './cli/cluster-options.ts';
import { DEFAULT_DATA_DIR, masterEndpoints, parseBaseUrl, readEndpointsFile } from './cli/cluster-url.ts';
import { removeToken, storedToken, storeToken, TokenStoreError } from './cli/token-store.ts';
import { secondsFlag } from './foreground-command.ts';

interface LoginOptions extends ClusterOptions {
  username?: string;
  password?: string;
  passwordFile?: string;
  serviceAccount?: string;
  privateKey?: string;
}

/** A service account's login token only has to outlive the one request it is sent with. */
const LOGIN_TOKEN_LIFETIME_SECONDS = 300;
/** The login answer is `{"token": …}`; anything much bigger is not one. */
const MAX_LOGIN_ANSWER_BYTES = 64 * 1024;

const print = (text: string) => process.stdout.write(`${text}\n`);

/** `--url`, else the master's `adminrouter` endpoint in `<data-dir>/endpoints.json`. */
async function adminRouterUrl(options: ClusterOptions): Promise<string> {
  if (options.url !== undefined) return parseBaseUrl(options.url);
  const { path, file } = await readEndpointsFile(
    options.dataDir ?? DEFAULT_DATA_DIR,
    (p, why) => new CliError(`no --url given and ${p} ${why} (start the cluster with minidc start, or pass --url)`),
  );
  const base = masterEndpoints(file).adminrouter;
  if (typeof base !== 'string') throw new CliError(`no --url given and ${path} names no adminrouter endpoint on a master node`);
  return parseBaseUrl(base);
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The login request's body for the flags given (exactly one way of logging in). */
async function loginBody(options: LoginOptions): Promise<{ uid: string; password: string } | { uid: string; token: string }> {
  const { username, password, passwordFile, serviceAccount, privateKey } = options;
  if (serviceAccount !== undefined || privateKey !== undefined) {
    if (serviceAccount === undefined || privateKey === undefined) throw new CliError('--service-account and --private-key go together');
    if (username !== undefined || password !== undefined || passwordFile !== undefined)
      throw new CliError('log in either as a user (--username) or as a service account (--service-account), not both');
    let key;
    try {
      key = createPrivateKey(await readText(privateKey, 'private key'));
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw new CliError(`--private-key ${privateKey} is not a PEM private key`);
    }
    const exp = Math.floor(Date.now() / 1000) + LOGIN_TOKEN_LIFETIME_SECONDS;
    const token = await new SignJWT({ uid: serviceAccount }).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).setExpirationTime(exp).sign(key).catch(() => {
      throw new CliError(`--private-key ${privateKey} cannot sign RS256 tokens (it must be an RSA key)`);
    });
    return { uid: serviceAccount, token };
  }
  if (username !== undefined) {
    if ((password === undefined) === (passwordFile === undefined)) throw new CliError('--username needs one of --password or --password-file');
    // A file's last newline is the editor's, not the password's.
    const secret = password ?? (await readText(passwordFile!, 'password file')).replace(/\r?\n$/, '');
    return { uid: username, password: secret };
  }
  if (password !== undefined || passwordFile !== undefined) throw new CliError('--password and --password-file need --username');
  const path = join(authDirOf(options.dataDir ?? DEFAULT_DATA_DIR), ADMIN_CREDENTIAL_FILE);
  let credential;
  try {
    credential = await readAdminCredential(path);
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (credential === undefined)
    throw new CliError(`no credentials given and ${path} does not exist (pass --username or --service-account, or --data-dir of the cluster)`);
  return { uid: credential.uid, password: credential.password };
}

async function runLogin(options: LoginOptions): Promise<number> {
  const base = await adminRouterUrl(options);
  const body = await loginBody(options);
  const timeoutMs = timeoutOf(options);
  const url = `${base}${LOGIN_PATH}`;
  const what = `POST ${url}`;
  const response = await send(url, { method: 'POST', body, timeoutMs });
  const text = (await readBody(response, what, MAX_LOGIN_ANSWER_BYTES, timeoutMs)).toString('utf8');
  let answer: { token?: unknown; description?: unknown; message?: unknown } = {};
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    // Not JSON: the status alone has to do.
  }
  if (response.status !== 200) {
    const why = typeof answer.description === 'string' ? answer.description : typeof answer.message === 'string' ? answer.message : text.split('\n')[0];
    const retry = response.headers.get('retry-after');
    throw new CliError(`login as ${body.uid} at ${base} refused: HTTP ${response.status}${why ? `: ${why}` : ''}${retry === null ? '' : ` (retry after ${retry} s)`}`);
  }
  if (typeof answer.token !== 'string' || answer.token === '') throw new CliError(`${what}: the answer has no token`);
  const path = await storeToken(base, answer.token);
  print(`logged in as ${body.uid} at ${base}; token stored in ${path}`);
  return 0;
}

async function runToken(options: ClusterOptions): Promise<number> {
  const base = await adminRouterUrl(options);
  const token = await storedToken(base);
  if (token === undefined) throw new CliError(`not logged in at ${base} (minidc auth login)`);
  print(token);
  return 0;
}

async function runLogout(options: ClusterOptions): Promise<number> {
  const base = await adminRouterUrl(options);
  print((await removeToken(base)) ? `logged out of ${base}` : `no token stored for ${base}`);
  return 0;
}

/** The token store's failures are one line like every other. */
async function asCliErrors(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof TokenStoreError) throw new CliError(err.message);
    throw err;
  }
}

function addAdminRouterOptions(command: Command): Command {
  return command
    .option('--url <url>', "the master's Admin Router (default: its 'adminrouter' endpoint in DATA_DIR/endpoints.json)")
    .option('--data-dir <dir>', `the cluster's data dir, as for minidc start (default ${DEFAULT_DATA_DIR})`)
    .option('--timeout <secs>', `cut-off of the request (default ${DEFAULT_TIMEOUT_SECONDS})`, secondsFlag(300));
}

export function installAuthCommand(program: Command): void {
  const auth = oneLineUsageErrors(program.command('auth').description("log in to the cluster's Admin Router; the token is kept for the CLI"));
  addAdminRouterOptions(auth.command('login').description('log in and store the token (default: as the data dir\'s first admin)'))
    .option('--username <uid>', 'a local user')
    .option('--password <password>', "the user's password")
    .option('--password-file <file>', "a file holding the user's password")
    .option('--service-account <uid>', 'a service account')
    .option('--private-key <file>', "the service account's PEM private key")
    .action((options: LoginOptions) => runClusterCommand(() => asCliErrors(() => runLogin(options))));
  addAdminRouterOptions(auth.command('logout').description('forget the stored token'))
    .action((options: ClusterOptions) => runClusterCommand(() => asCliErrors(() => runLogout(options))));
  addAdminRouterOptions(auth.command('token').description('print the stored token (for curl -H "Authorization: token=$(minidc auth token)")'))
    .action((options: ClusterOptions) => runClusterCommand(() => asCliErrors(() => runToken(options))));
}
