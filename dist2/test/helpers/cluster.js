import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServer } from '../../ops/servers/nats-server.js';
export async function startTestCluster(size = 3) {
    const dir = await mkdtemp(join(tmpdir(), 'seqline-cluster-'));
    const clientPorts = await freePorts(size);
    const routePorts = await freePorts(size);
    const routes = routePorts.map((p) => `nats://127.0.0.1:${p}`).join(',');
    const logFiles = clientPorts.map((_, i) => join(dir, `n${i}.log`));
    const nodes = await Promise.all(clientPorts.map((port, i) => startNatsServer({
        storeDir: join(dir, `n${i}`, 'store'),
        logFile: logFiles[i],
        port,
        readyTimeoutMs: 30_000,
        args: ['--server_name', `n${i}`, '--cluster_name', 'seqline-test', '--cluster', `nats://127.0.0.1:${routePorts[i]}`, '--routes', routes],
    })));
    return {
        nodes,
        urls: nodes.map((n) => n.url),
        logFiles,
        cleanup: async () => {
            await Promise.allSettled(nodes.map((n) => n.stop()));
            await rm(dir, { recursive: true, force: true });
        },
    };
}
async function freePorts(n) {
    const servers = await Promise.all(Array.from({ length: n }, () => new Promise((resolve) => {
        const s = createServer();
        s.listen(0, '127.0.0.1', () => resolve(s));
    })));
    const ports = servers.map((s) => s.address().port);
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    return ports;
}
//# sourceMappingURL=cluster.js.map