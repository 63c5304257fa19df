/**
 * Verifies the JWTs Admin Router admits (reference D.1): RS256 signed by the cluster's key (the `kid`, when given,
 * must be its thumbprint) or HS256 with the configured secret — no other algorithm, `alg: none` included; a
 * string `uid` claim; and an `exp` in the future.
 *
 * DC/OS accepted a token without `exp` ("Do not yet enforce that"). minidc refuses it: such a token never expires,
 * so one that leaks is good for ever, and every token minidc's login issues carries `exp` anyway.
 */
import type { KeyObject } from 'node:crypto';
import { errors, jwtVerify, type JWTHeaderParameters } from 'jose';
import type { Clock } from '../../time/clock.ts';
import type { SigningKeys } from './signing-keys.ts';
import { VerifiedTokenCache } from './verified-token-cache.ts';

export type TokenCheck = { ok: true; uid: string } | { ok: false; reason: string };

/** Leeway for clocks of other token makers (HS256 tools) running slightly ahead or behind. */
const CLOCK_TOLERANCE_SECONDS = 30;

export class TokenVerifier {
  private readonly verified: VerifiedTokenCache;

  constructor(
    private readonly keys: SigningKeys,
    private readonly clock: Clock,
    cacheSize?: number,
  ) {
    this.verified = new VerifiedTokenCache(clock, cacheSize);
  }

  async verify(token: string): Promise<TokenCheck> {
    const cached = this.verified.uidOf(token);
    if (cached !== undefined) return { ok: true, uid: cached };
    try {
      const { payload } = await jwtVerify(token, (header) => this.keyFor(header), {
        algorithms: this.keys.hs256Secret === undefined ? ['RS256'] : ['RS256', 'HS256'],
        requiredClaims: ['exp'],
        currentDate: new Date(this.clock.wallMs()),
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      if (typeof payload.uid !== 'string' || payload.uid === '') return { ok: false, reason: 'the token has no uid claim' };
      this.verified.remember(token, payload.uid, payload.exp!);
      return { ok: true, uid: payload.uid };
    } catch (err) {
      return { ok: false, reason: reasonOf(err) };
    }
  }

  private keyFor(header: JWTHeaderParameters): KeyObject | Uint8Array {
    if (header.alg === 'HS256' && this.keys.hs256Secret !== undefined) return this.keys.hs256Secret;
    if (header.kid !== undefined && header.kid !== this.keys.kid) throw new UnknownKeyError();
    return this.keys.publicKey;
  }
}

class UnknownKeyError extends Error {}

/** What was wrong, in words a client can act on (never the token itself). */
function reasonOf(err: unknown): string {
  if (err instanceof UnknownKeyError) return 'the token names a key this cluster does not know (kid)';
  if (err instanceof errors.JWTExpired) return 'the token has expired';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm that is not accepted (RS256 or HS256 only)';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is invalid';
  if (err instanceof errors.JWTClaimValidationFailed) return `the token's ${err.claim} claim is ${err.reason === 'missing' ? 'missing' : 'invalid'}`;
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid || err instanceof errors.JOSENotSupported)
    return 'the token is not a well-formed JWT';
  return 'the token could not be verified';
}
