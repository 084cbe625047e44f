/** Where a page of search hits ended: hits are ordered newest first by (at, conv, seq). */
export interface HitPosition {
  at: number
  conv: string
  seq: number
}

export function encodeCursor(p: HitPosition): string {
  return Buffer.from(JSON.stringify([p.at, p.conv, p.seq])).toString('base64url')
}

/** The position a cursor names, or null when it is not one this API produced. */
export function decodeCursor(cursor: string): HitPosition | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (!Array.isArray(v) || v.length !== 3) return null
    const [at, conv, seq] = v as unknown[]
    if (!isCount(at) || typeof conv !== 'string' || conv.length > 200 || !isCount(seq)) return null
    return { at, conv, seq }
  } catch {
    return null
  }
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
}
