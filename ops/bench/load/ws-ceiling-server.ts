// The `ws` fan-out ceilings' server: a trivial `ws` server in a process of its
// own, no auth, no JSON, no log. A socket joins the rooms named in its URL
// (/?room=a&room=b); each message names its room before its first `|` and goes
// to every socket of that room (the sender included) as the one Buffer it came
// in. Prints its port, then serves until stdin closes.
import { createInterface } from 'node:readline'
import { type WebSocket, WebSocketServer } from 'ws'

const rooms = new Map<string, Set<WebSocket>>()
const TEXT = { binary: false } as const
const BAR = 0x7c
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })
wss.on('connection', (socket, request) => {
  const joined = new URL(request.url ?? '/', 'http://x').searchParams.getAll('room')
  for (const room of joined) {
    const members = rooms.get(room) ?? new Set<WebSocket>()
    rooms.set(room, members)
    members.add(socket)
  }
  socket.on('message', (data) => {
    const frame = data as Buffer
    const members = rooms.get(frame.toString('latin1', 0, Math.max(0, frame.indexOf(BAR))))
    if (members) for (const m of members) m.send(frame, TEXT)
  })
  socket.on('close', () => {
    for (const room of joined) rooms.get(room)?.delete(socket)
  })
})
wss.on('listening', () => process.stdout.write(`${(wss.address() as { port: number }).port}\n`))
// The parent closing stdin (or going away) ends the server.
createInterface({ input: process.stdin }).on('close', () => {
  for (const c of wss.clients) c.terminate()
  wss.close(() => process.exit(0))
})
