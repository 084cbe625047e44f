import { join } from 'node:path'
import { freePort } from '../../ops/servers/free-port.js'
import { localGoMaxProcs, startNatsServer } from '../../ops/servers/index.js'
import { containerHandle, loadTestcontainers, type ServerHandle, startTestServer, type TestServer } from './test-server.js'

/** A real nats-server with JetStream, owned by one test file. */
export type TestNats = TestServer

const CONTAINER_IMAGE = 'nats:2.10'
const CONTAINER_PORT = 4222

export function startTestNats(): Promise<TestNats> {
  return startTestServer({ dirPrefix: 'seqline-nats-', modeEnv: 'SEQLINE_TEST_NATS', local: startLocal, container: startContainer })
}

async function startLocal(dir: string): Promise<ServerHandle> {
  const server = await startNatsServer({ storeDir: join(dir, 'store'), logFile: join(dir, 'nats-server.log') })
  return { url: server.url, restart: server.restart, kill: server.kill, stop: server.stop, dispose: server.stop }
}

async function startContainer(): Promise<ServerHandle> {
  const tc = await loadTestcontainers()
  const hostPort = await freePort()
  const started = await new tc.GenericContainer(CONTAINER_IMAGE)
    .withCommand(['-js', '-sd', '/data'])
    // As the local server runs (ops/servers/nats-server.ts).
    .withEnvironment({ GOMAXPROCS: localGoMaxProcs() })
    .withExposedPorts({ container: CONTAINER_PORT, host: hostPort })
    .withWaitStrategy(tc.Wait.forLogMessage('Server is ready'))
    .start()
  return containerHandle(tc, started, `nats://${started.getHost()}:${started.getMappedPort(CONTAINER_PORT)}`)
}
