/**
 * What the client needs of a WebSocket: the browser's WebSocket and the `ws`
 * package's both fit, so either constructor can be passed in.
 */
export interface SocketLike {
  send(data: string): void
  close(code?: number, reason?: string): void
  // `unknown` events: the browser and `ws` type their event objects differently, and only these fields are read.
  addEventListener(type: 'open', listener: (event: unknown) => void): void
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void
  addEventListener(type: 'error', listener: (event: unknown) => void): void
}

export type SocketConstructor = new (url: string) => SocketLike

/** What the client needs of fetch: the browser's and Node's both fit (typed here so the package needs neither DOM nor Node types). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>

/** A token, or a function giving a fresh one (called before every request and every reconnect). */
export type TokenSource = string | (() => string | Promise<string>)

export const tokenOf = async (source: TokenSource): Promise<string> => (typeof source === 'string' ? source : source())

/** A fresh idempotency id for a command. */
export const newCommandId = (): string => globalThis.crypto.randomUUID()
