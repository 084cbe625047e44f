// Free TCP ports, for servers that must be told their port up front (a fixed
// port survives a restart, or a container's port mapping). A port found free
// can be taken before the server binds it; callers that care retry.
import { type AddressInfo, createServer, type Server } from 'node:net'

/** `n` distinct free ports, held open together while they are picked so none repeats. All interfaces when `host` is undefined. */
export async function freePorts(n: number, host?: string): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => listening(host)))
  const ports = servers.map((s) => (s.address() as AddressInfo).port)
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
  return ports
}

export async function freePort(host?: string): Promise<number> {
  const [port] = await freePorts(1, host)
  return port!
}

function listening(host: string | undefined): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen({ port: 0, host }, () => resolve(server))
  })
}
