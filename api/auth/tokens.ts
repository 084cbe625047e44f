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

export class Tokens {
  private readonly secret?: Uint8Array
  private readonly key?: KeyObject | JWTVerifyGetKey
  private readonly service: Buffer

  constructor(private readonly settings: TokenSettings) {
    this.service = Buffer.from(settings.serviceToken)
    if (settings.jwtSecret) this.secret = new TextEncoder().encode(settings.jwtSecret)
    if (settings.jwtPublicKey) this.key = createPublicKey(settings.jwtPublicKey)
    if (settings.jwtJwksUrl) this.key = createRemoteJWKSet(new URL(settings.jwtJwksUrl))
    if (!this.secret && !this.key) throw new Error('user tokens need SEQLINE_JWT_SECRET, SEQLINE_JWT_PUBLIC_KEY or SEQLINE_JWT_JWKS_URL')
  }

  /** The user a bearer token speaks for; throws Unauthorized when it is malformed, expired or wrongly signed. */
  async user(token: string): Promise<string> {
    const options = { issuer: this.settings.issuer, audience: this.settings.audience, requiredClaims: ['sub', 'exp'] }
    try {
      // With both a secret and a key, the token's own header says which one signed it (Seqline mints HS256).
      const hs256 = this.secret && (!this.key || decodeProtectedHeader(token).alg === 'HS256')
      const { payload } = hs256
        ? await jwtVerify(token, this.secret!, { ...options, algorithms: ['HS256'] })
        : await jwtVerify(token, this.key as KeyObject, { ...options, algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'] })
      if (!payload.sub || !userIdPattern.test(payload.sub)) throw new Unauthorized('the token subject is not a user id')
      return payload.sub
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
