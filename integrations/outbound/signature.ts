import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'

/** How old a signed request a receiver still accepts: older ones are treated as replays. */
const SIGNATURE_TOLERANCE_SECONDS = 300

/**
 * The headers every outbound call of Seqline carries (hooks, webhooks, push, bots):
 * `Seqline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`
 * and a unique `Seqline-Delivery` id (kept when a delivery is retried, so a receiver can dedupe).
 */
export function signatureHeaders(secret: string, body: string, opts: { now?: number; delivery?: string } = {}): Record<string, string> {
  const t = Math.floor((opts.now ?? Date.now()) / 1000)
  return { 'seqline-signature': `t=${t},v1=${hmac(secret, t, body)}`, 'seqline-delivery': opts.delivery ?? randomUUID() }
}

export type SignatureCheck = { ok: true; t: number } | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' | 'stale' }

/** What a receiver runs on the raw body before trusting it: the HMAC must match and the timestamp be recent. */
export function verifySignature(secret: string, header: string | undefined, body: string, now = Date.now()): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing' }
  const parts = new Map(header.split(',').map((p) => p.split('=', 2) as [string, string]))
  const t = Number(parts.get('t'))
  const v1 = parts.get('v1')
  if (!Number.isInteger(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1)) return { ok: false, reason: 'malformed' }
  if (!timingSafeEqual(Buffer.from(v1, 'hex'), Buffer.from(hmac(secret, t, body), 'hex'))) return { ok: false, reason: 'mismatch' }
  if (Math.abs(now / 1000 - t) > SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: 'stale' }
  return { ok: true, t }
}

function hmac(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')
}
