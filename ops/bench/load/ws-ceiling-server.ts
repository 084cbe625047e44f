// The `ws` fan-out ceiling's server: a trivial `ws` server in a process of its
// own, no auth, no parsing, no log. A socket joins the room named in its URL
// (/?room=k); each message it sends goes to every socket of the room (itself
// included) as one shared Buffer. Prints its port, then serves until stdin closes.
import { createInterface } from 'node:readline'
import { type WebSocket, WebSocketServer } from 'ws'

const rooms = new Map<string, Set<WebSocket>>()
const TEXT = { binary: false } as const
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })
wss.on('connection', (socket, request) => {
  const room = new URL(request.url ?? '/', 'http://x').searchParams.get('room') ?? ''
  const members = rooms.get(room) ?? new Set<WebSocket>()
  rooms.set(room, members)
  members.add(socket)
  socket.on('message', (data) => {
    const frame = data as Buffer
    for (const m of members) m.send(frame, TEXT)
  })
  socket.on('close', () => members.delete(socket))
})
wss.on('listening', () => process.stdout.write(`${(wss.address() as { port: number }).port}\n`))
// The parent closing stdin (or going away) ends the server.
createInterface({ input: process.stdin }).on('close', () => {
  for (const c of wss.clients) c.terminate()
  wss.close(() => process.exit(0))
})
