import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { describe, test } from 'node:test'
import { SignJWT } from 'jose'
import { Tokens } from '../../api/auth/index.js'
import { until } from '../../core/index.js'

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
const serviceToken = 's'.repeat(32)
const jwtSecret = 'a-shared-secret-of-at-least-32-chars'

describe('user tokens', () => {
  test('with both a shared secret and a public key, tokens Seqline mints and tokens the platform signs are both accepted', async () => {
    const tokens = new Tokens({ serviceToken, jwtSecret, jwtPublicKey: pem })
    assert.equal(await tokens.user((await tokens.mint('ann', 60)).token), 'ann')
    const platform = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setSubject('ben').setExpirationTime('1m').sign(privateKey)
    assert.equal(await tokens.user(platform), 'ben')
  })

  test('a token signed with the wrong key, expired, or naming no valid user is refused', async () => {
    const tokens = new Tokens({ serviceToken, jwtPublicKey: pem })
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setSubject('ann').setExpirationTime('1m').sign(other)
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('ann')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(privateKey)
    const badSubject = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setSubject('not a user!').setExpirationTime('1m').sign(privateKey)
    for (const token of [forged, expired, badSubject, 'garbage']) await assert.rejects(tokens.user(token), { name: 'Unauthorized' })
  })

  test('a token accepted once is still refused once it expires, and is answered without a second signature check before', async () => {
    const tokens = new Tokens({ serviceToken, jwtSecret })
    const { token, expiresAt } = await tokens.mint('ann', 2)
    assert.equal(await tokens.user(token), 'ann')
    // Answered from what was verified: the signature check (the private verify) ran once for both.
    const checker = tokens as unknown as { verify(token: string): Promise<unknown> }
    const verify = checker.verify.bind(tokens)
    let checks = 0
    checker.verify = (t) => {
      checks++
      return verify(t)
    }
    assert.equal(await tokens.user(token), 'ann')
    assert.equal(checks, 0, 'no second signature check')
    const refused = await until(
      () =>
        tokens.user(token).then(
          () => undefined,
          (err: Error) => err,
        ),
      { timeoutMs: 6_000, everyMs: 100, timedOut: () => new Error('the expired token still accepted') },
    )
    assert.equal(refused.name, 'Unauthorized')
    assert.ok(Date.now() >= expiresAt, 'refused only once expired')
  })

  test('the service credential is compared exactly', () => {
    const tokens = new Tokens({ serviceToken, jwtSecret })
    assert.equal(tokens.isService(serviceToken), true)
    assert.equal(tokens.isService(`${serviceToken}x`), false)
    assert.equal(tokens.isService(''), false)
  })
})
