import { createPublicKey, timingSafeEqual } from 'node:crypto'
import { createRemoteJWKSet, decodeProtectedHeader, type JWTVerifyGetKey, jwtVerify, type KeyObject, SignJWT } from 'jose'
import { USER_ID_PATTERN } from '../../schemas/index.js'

/** How user tokens are checked: the platform signs them with a shared secret, a key pair, or keys behind a JWKS URL. */
export interface TokenSettings {
  serviceToken: string
  jwtSecret?: string
  jwtPublicKey?: string
  jwtJwksUrl?: string
  issuer?: string
  audience?: string
}

export class Unauthorized extends Error {
  override readonly name = 'Unauthorized'
}

const userIdPattern = new RegExp(USER_ID_PATTERN)

/** Tokens remembered as verified: enough for every client of a busy process, few enough to stay small. */
const VERIFIED_MAX = 50_000
/**
 * A verified token is trusted again without its signature check for at most
 * this long (and never past its exp): a key withdrawn from a JWKS stops
 * working within a minute, as a JWKS cache would also have it.
 */
const VERIFIED_TTL_MS = 60_000

interface Verified {
  user: string
  /** When to verify it again: its expiry or the cache's limit, whichever is first. */
  until: number
}

export class Tokens {
  private readonly secret?: Uint8Array
  private readonly key?: KeyObject | JWTVerifyGetKey
  private readonly service: Buffer
  /**
   * Signature checks already made, by the whole token text: the same text
   * carries the same claims, so a REST client sending its token with every
   * request pays for the HMAC or RSA check once, not per request (it was a
   * quarter of the API's CPU per REST send).
   */
  private readonly verified = new Map<string, Verified>()

  constructor(private readonly settings: TokenSettings) {
    this.service = Buffer.from(settings.serviceToken)
    if (settings.jwtSecret) this.secret = new TextEncoder().encode(settings.jwtSecret)
    if (settings.jwtPublicKey) this.key = createPublicKey(settings.jwtPublicKey)
    if (settings.jwtJwksUrl) this.key = createRemoteJWKSet(new URL(settings.jwtJwksUrl))
    if (!this.secret && !this.key) throw new Error('user tokens need SEQLINE_JWT_SECRET, SEQLINE_JWT_PUBLIC_KEY or SEQLINE_JWT_JWKS_URL')
  }

  /** The user a bearer token speaks for; throws Unauthorized when it is malformed, expired or wrongly signed. */
  async user(token: string): Promise<string> {
    const known = this.verified.get(token)
    if (known && known.until > Date.now()) return known.user
    if (known) this.verified.delete(token)
    const { user, exp } = await this.verify(token)
    this.remember(token, user, Math.min(exp * 1000, Date.now() + VERIFIED_TTL_MS))
    return user
  }

  private remember(token: string, user: string, until: number): void {
    // The oldest entry goes first (a Map keeps insertion order): a bound, not an LRU, which is all a cache of checks needs.
    if (this.verified.size >= VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value!)
    this.verified.set(token, { user, until })
  }

  private async verify(token: string): Promise<{ user: string; exp: number }> {
    const options = { issuer: this.settings.issuer, audience: this.settings.audience, requiredClaims: ['sub', 'exp'] }
    try {
      // With both a secret and a key, the token's own header says which one signed it (Seqline mints HS256).
      const hs256 = this.secret && (!this.key || decodeProtectedHeader(token).alg === 'HS256')
      const { payload } = hs256
        ? await jwtVerify(token, this.secret!, { ...options, algorithms: ['HS256'] })
        : await jwtVerify(token, this.key as KeyObject, { ...options, algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'] })
      if (!payload.sub || !userIdPattern.test(payload.sub)) throw new Unauthorized('the token subject is not a user id')
      // exp is a required claim, checked by jwtVerify.
      return { user: payload.sub, exp: payload.exp! }
    } catch (err) {
      if (err instanceof Unauthorized) throw err
      throw new Unauthorized(`invalid token: ${(err as Error).message}`)
    }
  }

  /** Constant-time check of the service credential. */
  isService(token: string): boolean {
    const given = Buffer.from(token)
    return given.length === this.service.length && timingSafeEqual(given, this.service)
  }

  /** Mints a user token (admin endpoint); only possible when Seqline holds the shared secret. */
  async mint(user: string, ttlSeconds: number): Promise<{ token: string; expiresAt: number }> {
    if (!this.secret) throw new Error('minting needs SEQLINE_JWT_SECRET; with a key pair or JWKS the platform mints its own tokens')
    const expiresAt = Math.floor(Date.now() / 1000) + ttlSeconds
    let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(user).setIssuedAt().setExpirationTime(expiresAt)
    if (this.settings.issuer) jwt = jwt.setIssuer(this.settings.issuer)
    if (this.settings.audience) jwt = jwt.setAudience(this.settings.audience)
    return { token: await jwt.sign(this.secret), expiresAt: expiresAt * 1000 }
  }
}
