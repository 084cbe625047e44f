import type { Duplex } from 'node:stream'
import type { WebSocket } from 'ws'
import type { WholeFrame } from './frames.js'

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
 * still writes its control frames (the heartbeat's pings, pongs, the close
 * frame) to the same stream, at once, so the order on the wire is the order of
 * the calls. That holds while nothing goes through ws.send on these sockets:
 * a compressed message or a Blob is what its sender holds back in a queue.
 * The stream is ws's private `_socket`; the lock file pins ws, and the
 * ws-turn-writes tests exercise it.
 */
export class TurnWrites {
  private corked: Duplex[] = []
  private readonly flush = () => {
    const corked = this.corked
    this.corked = []
    for (const raw of corked) raw.uncork()
  }

  /** Writes a whole frame to an open socket, corked for the rest of this turn. */
  write(socket: WebSocket, frame: WholeFrame): void {
    const raw = (socket as unknown as { _socket?: Duplex })._socket
    // ws keeps the net.Socket it writes to there from the upgrade on; a ws that does not would send nothing, so say so.
    if (!raw) throw new Error('the ws socket has no _socket stream: this version of ws is not one Seqline supports')
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
