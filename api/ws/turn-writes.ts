import type { Duplex } from 'node:stream'
import type { WebSocket } from 'ws'

/**
 * Held bytes past which a socket's frames go out before its turn ends: a burst
 * to one socket neither waits in memory nor counts against its slow-client
 * bound (maxBufferedBytes reads the held bytes as unsent) while it could be sent.
 */
const FLUSH_BYTES = 64 * 1024

/**
 * The frames one socket is sent in one turn of the event loop leave in one
 * write. A socket is corked at its first frame of the turn and every corked
 * socket is uncorked once, after the turn's I/O callbacks (setImmediate): a
 * batch of events read from NATS, or a command's ack beside its own event,
 * then costs each socket one syscall, not one per frame.
 *
 * Frames come whole, header included (textFrame, storedEventFrame), and are
 * written to ws's own stream as they are: ws's sender would frame each send
 * again, per socket, and hand the stream a header and a payload apart. ws
 * still writes what it sends itself (pongs, the close frame) to the same
 * stream, so the order on the wire is the order of the calls; compression is
 * off, so its sender never holds a frame back.
 */
export class TurnWrites {
  private corked: Duplex[] = []
  private readonly flush = () => {
    const corked = this.corked
    this.corked = []
    for (const raw of corked) raw.uncork()
  }

  /** Writes a whole frame to the socket, corked for the rest of this turn. */
  write(socket: WebSocket, frame: Buffer): void {
    // ws keeps the net.Socket it writes to here; a socket that has none (closed) is sent nothing.
    const raw = (socket as unknown as { _socket?: Duplex })._socket
    if (!raw) return
    this.hold(raw)
    raw.write(frame)
  }

  /** Corks the stream for the rest of this turn, unless it already is. */
  private hold(raw: Duplex): void {
    if (raw.writableCorked > 0) return this.bound(raw)
    raw.cork()
    if (this.corked.push(raw) === 1) setImmediate(this.flush)
  }

  /** Sends what a corked socket holds once it is past FLUSH_BYTES, and keeps it corked for the rest of the turn. */
  private bound(raw: Duplex): void {
    if (raw.writableLength < FLUSH_BYTES) return
    raw.uncork()
    raw.cork()
  }
}
