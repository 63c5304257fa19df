/** The tokens login hands out: RS256 with the cluster's key (its `kid`), claims `uid` and `exp`, as DC/OS's IAM. */
import { SignJWT } from 'jose';
import type { Clock } from '../../time/clock.ts';
import type { SigningKeys } from './signing-keys.ts';

export class TokenIssuer {
  constructor(
    private readonly keys: SigningKeys,
    private readonly lifetimeMs: number,
    private readonly clock: Clock,
  ) {}

  issue(uid: string): Promise<string> {
    const exp = Math.floor((this.clock.wallMs() + this.lifetimeMs) / 1000);
    return new SignJWT({ uid }).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.keys.kid }).setExpirationTime(exp).sign(this.keys.privateKey);
  }
}
