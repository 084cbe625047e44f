import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePorts } from '../../ops/servers/free-port.js'
import { type RunningNats, startNatsServer } from '../../ops/servers/index.js'

/** Three real nats-servers clustered on loopback, JetStream on each, for replicated (R3) streams. */
export interface TestCluster {
  nodes: RunningNats[]
  urls: string[]
  /** Each node's nats-server log, by node index. */
  logFiles: string[]
  cleanup(): Promise<void>
}

export async function startTestCluster(size = 3): Promise<TestCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'seqline-cluster-'))
  const clientPorts = await freePorts(size, '127.0.0.1')
  const routePorts = await freePorts(size, '127.0.0.1')
  const routes = routePorts.map((p) => `nats://127.0.0.1:${p}`).join(',')
  const logFiles = clientPorts.map((_, i) => join(dir, `n${i}.log`))
  const nodes = await Promise.all(
    clientPorts.map((port, i) =>
      startNatsServer({
        storeDir: join(dir, `n${i}`, 'store'),
        logFile: logFiles[i],
        port,
        readyTimeoutMs: 30_000,
        args: ['--server_name', `n${i}`, '--cluster_name', 'seqline-test', '--cluster', `nats://127.0.0.1:${routePorts[i]}`, '--routes', routes],
      }),
    ),
  )
  return {
    nodes,
    urls: nodes.map((n) => n.url),
    logFiles,
    cleanup: async () => {
      await Promise.allSettled(nodes.map((n) => n.stop()))
      await rm(dir, { recursive: true, force: true })
    },
  }
}
