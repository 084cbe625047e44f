import { join } from 'node:path'
import { freePort } from '../../ops/servers/free-port.js'
import { startClickHouseServer } from '../../ops/servers/index.js'
import { containerHandle, loadTestcontainers, type ServerHandle, startTestServer, type TestServer } from './test-server.js'

/** A real ClickHouse server, owned by one test (or suite). */
export interface TestClickHouse extends TestServer {
  /** The extra user, when one was asked for; `default` (no password) always exists too. */
  readonly user: ClickHouseUser | undefined
}

export interface ClickHouseUser {
  name: string
  password: string
}

export interface TestClickHouseOptions {
  /** A user with a password, besides `default`. */
  user?: ClickHouseUser
  /** Log every query to system.query_log, as stock configs of modern servers (and the container image) do. */
  logQueries?: boolean
}

/**
 * Where cleanup is registered: a test's context (`t.after`, as in
 * nats-server.test.ts), or a suite helper with `defer` such as withLogServer's.
 */
export type CleanupScope = { after(fn: () => unknown): void } | { defer(fn: () => unknown): void }

// A modern LTS: users run current servers, the local binary is Debian's 18.16.
const CONTAINER_IMAGE = 'clickhouse/clickhouse-server:25.8'
const CONTAINER_PORT = 8123

/** Starts a server for the calling test and stops and removes it when the test ends. */
export async function withClickHouseServer(t: CleanupScope, opts: TestClickHouseOptions = {}): Promise<TestClickHouse> {
  const server = await startTestClickHouse(opts)
  if ('after' in t) t.after(() => server.cleanup())
  else t.defer(() => server.cleanup())
  return server
}

export async function startTestClickHouse(opts: TestClickHouseOptions = {}): Promise<TestClickHouse> {
  const server = await startTestServer({
    dirPrefix: 'seqline-clickhouse-',
    modeEnv: 'SEQLINE_TEST_CLICKHOUSE',
    local: (dir) => startLocal(dir, opts),
    container: () => startContainer(opts),
  })
  return { ...server, user: opts.user }
}

async function startLocal(dir: string, opts: TestClickHouseOptions): Promise<ServerHandle> {
  const server = await startClickHouseServer({
    dataDir: join(dir, 'data'),
    logFile: join(dir, 'clickhouse-server.log'),
    ...(opts.user === undefined ? {} : { user: opts.user }),
    ...(opts.logQueries ? { queryLog: true, profileSettings: { log_queries: 1 } } : {}),
  })
  return { url: server.url, restart: server.restart, kill: server.kill, stop: server.stop, dispose: server.stop }
}

async function startContainer(opts: TestClickHouseOptions): Promise<ServerHandle> {
  const tc = await loadTestcontainers()
  const hostPort = await freePort()
  let container = new tc.GenericContainer(CONTAINER_IMAGE)
    // Keep the image's passwordless `default` user reachable from the host; without
    // this the entrypoint limits it to the container's own loopback.
    .withEnvironment({ CLICKHOUSE_SKIP_USER_SETUP: '1' })
    .withUlimits({ nofile: { soft: 262_144, hard: 262_144 } })
    .withExposedPorts({ container: CONTAINER_PORT, host: hostPort })
    .withWaitStrategy(tc.Wait.forHttp('/ping', CONTAINER_PORT).forResponsePredicate((body) => body.trim() === 'Ok.'))
  if (opts.user !== undefined) {
    container = container.withCopyContentToContainer([{ content: containerUserXml(opts.user), target: '/etc/clickhouse-server/users.d/seqline-user.xml' }])
  }
  const started = await container.start()
  return containerHandle(tc, started, `http://${started.getHost()}:${started.getMappedPort(CONTAINER_PORT)}`)
}

function containerUserXml(user: ClickHouseUser): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(user.name)) throw new Error(`ClickHouse user name '${user.name}' is not a plain identifier`)
  const password = user.password.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  return `<clickhouse><users><${user.name}>
  <password>${password}</password>
  <networks><ip>::/0</ip></networks>
  <profile>default</profile>
  <quota>default</quota>
</${user.name}></users></clickhouse>
`
}
