/**
 * `POST /acs/api/v1/auth/login`, open as in DC/OS: `{"uid","password"}` logs a local user in, `{"uid","token"}` a
 * service account, whose login token is a JWT `{uid, exp}` it signed RS256 with its private key. Both answer
 * `{"token": "<JWT>"}`. A refusal is 401 in IAM's shape, `{"title","description","code"}`, and says as little as
 * DC/OS's did: not whether the uid exists. Failed attempts are rate-limited per client address and per uid.
 */
import { createPublicKey } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { jwtVerify } from 'jose';
import type { Clock } from '../../time/clock.ts';
import { UID_PATTERN, type AccountStore } from './account-store.ts';
import type { LoginRateLimit } from './login-rate-limit.ts';
import { verifyAgainstDecoy, verifyPassword } from './password-hash.ts';
import type { TokenIssuer } from './token-issuer.ts';

export const LOGIN_PATH = '/acs/api/v1/auth/login';

export interface LoginRoutesOptions {
  accounts: AccountStore;
  issuer: TokenIssuer;
  /** Failed logins per client address (kept higher: many users may share one, behind a NAT). */
  addressLimit: LoginRateLimit;
  /** Failed logins per uid: guessing one account's password from many addresses. */
  uidLimit: LoginRateLimit;
  clock: Clock;
}

interface LoginBody {
  uid: string;
  password?: string;
  token?: string;
}

const loginSchema = {
  body: {
    type: 'object',
    required: ['uid'],
    properties: {
      uid: { type: 'string', pattern: UID_PATTERN },
      password: { type: 'string', minLength: 1, maxLength: 1024 },
      token: { type: 'string', minLength: 1, maxLength: 16_384 },
    },
    // One or the other: a body with both is ambiguous about which account is meant.
    oneOf: [{ required: ['password'] }, { required: ['token'] }],
  },
} as const;

/** Tokens of service accounts whose clocks run a little apart from the master's still count. */
const CLOCK_TOLERANCE_SECONDS = 30;

export async function registerLoginRoutes(app: FastifyInstance, options: LoginRoutesOptions): Promise<void> {
  const { accounts, issuer, addressLimit, uidLimit, clock } = options;

  const refuse = (reply: FastifyReply, description: string) =>
    reply.code(401).send({ title: 'Unauthorized', description, code: 'ERR_INVALID_CREDENTIALS' });

  app.post<{ Body: LoginBody }>(LOGIN_PATH, { schema: loginSchema, bodyLimit: 64 * 1024 }, async (request, reply) => {
    const { uid, password, token } = request.body;
    const wait = Math.max(addressLimit.retryAfterSeconds(request.ip), uidLimit.retryAfterSeconds(uid));
    if (wait > 0)
      return reply
        .code(429)
        .header('retry-after', String(wait))
        .send({ title: 'Too Many Requests', description: `too many failed logins; try again in ${wait} s`, code: 'ERR_TOO_MANY_LOGIN_ATTEMPTS' });

    const ok = password !== undefined ? await passwordMatches(uid, password) : await loginTokenMatches(uid, token!);
    if (!ok) {
      addressLimit.recordFailure(request.ip);
      uidLimit.recordFailure(uid);
      return refuse(reply, password !== undefined ? 'the uid or password is wrong' : 'the uid or login token is not valid');
    }
    return { token: await issuer.issue(uid) };
  });

  async function passwordMatches(uid: string, password: string): Promise<boolean> {
    const user = await accounts.user(uid);
    return user === undefined ? verifyAgainstDecoy(password) : verifyPassword(password, user.password);
  }

  async function loginTokenMatches(uid: string, token: string): Promise<boolean> {
    const account = await accounts.serviceAccount(uid);
    if (account === undefined) return false;
    try {
      const { payload } = await jwtVerify(token, createPublicKey(account.publicKey), {
        algorithms: ['RS256'],
        // DC/OS required exp on login tokens: one without it could be replayed for ever.
        requiredClaims: ['exp'],
        currentDate: new Date(clock.wallMs()),
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      return payload.uid === uid;
    } catch {
      return false;
    }
  }
}
