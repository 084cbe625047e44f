import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServer } from '../../ops/servers/nats-server.js';
const CONTAINER_IMAGE = 'nats:2.10';
const CONTAINER_PORT = 4222;
const DOCKER_PROBE_MS = 2_000;
export async function startTestNats() {
    const dir = await mkdtemp(join(tmpdir(), 'seqline-nats-'));
    try {
        const mode = await chooseMode();
        const handle = mode === 'container' ? await startContainer() : await startLocal(dir);
        return toTestNats(handle, dir, mode);
    }
    catch (err) {
        await rm(dir, { recursive: true, force: true });
        throw err;
    }
}
function toTestNats(handle, dir, mode) {
    let cleaned;
    const cleanup = async () => {
        try {
            await handle.dispose();
        }
        finally {
            await rm(dir, { recursive: true, force: true });
        }
    };
    return {
        url: handle.url,
        dir,
        mode,
        restart: () => handle.restart(),
        kill: () => handle.kill(),
        stop: () => handle.stop(),
        cleanup: () => (cleaned ??= cleanup()),
    };
}
async function chooseMode() {
    const forced = process.env['SEQLINE_TEST_NATS'];
    if (forced === 'local' || forced === 'container')
        return forced;
    if (forced)
        throw new Error(`SEQLINE_TEST_NATS must be 'local' or 'container', not '${forced}'`);
    return (await dockerReachable()) ? 'container' : 'local';
}
let dockerProbe;
/** Probed once per process: every test file asks, and the answer does not change. */
function dockerReachable() {
    dockerProbe ??= probeDocker();
    return dockerProbe;
}
async function probeDocker() {
    // The cheap check first, so machines without Docker never load testcontainers.
    if (!process.env['DOCKER_HOST'] && !existsSync('/var/run/docker.sock'))
        return false;
    const probe = loadTestcontainers()
        .then((tc) => tc.getContainerRuntimeClient())
        .then(() => true, () => false);
    return withinMs(probe, DOCKER_PROBE_MS, false);
}
async function loadTestcontainers() {
    try {
        return await import('testcontainers');
    }
    catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new Error(`cannot load testcontainers on Node ${process.versions.node}: ${reason}`);
    }
}
function withinMs(promise, ms, fallback) {
    let timer;
    const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve(fallback), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
async function startLocal(dir) {
    const server = await startNatsServer({ storeDir: join(dir, 'store'), logFile: join(dir, 'nats-server.log') });
    return { url: server.url, restart: server.restart, kill: server.kill, stop: server.stop, dispose: server.stop };
}
async function startContainer() {
    const tc = await loadTestcontainers();
    // A fixed host port, unlike a random mapping, survives a container restart, so the URL does too.
    const hostPort = await freePort();
    const started = await new tc.GenericContainer(CONTAINER_IMAGE)
        .withCommand(['-js', '-sd', '/data'])
        .withExposedPorts({ container: CONTAINER_PORT, host: hostPort })
        .withWaitStrategy(tc.Wait.forLogMessage('Server is ready'))
        .start();
    const containers = (await tc.getContainerRuntimeClient()).container;
    const container = containers.getById(started.getId());
    let running = true;
    const stop = async () => {
        if (!running)
            return;
        await containers.stop(container, { timeout: 10_000 });
        running = false;
    };
    const kill = async () => {
        if (!running)
            return;
        await container.kill({ signal: 'SIGKILL' });
        running = false;
    };
    const restart = async () => {
        await stop();
        // Restarting keeps the container's filesystem, and with it the /data store.
        await started.restart();
        running = true;
    };
    const dispose = async () => {
        await started.stop();
        running = false;
    };
    return { url: `nats://${started.getHost()}:${started.getMappedPort(CONTAINER_PORT)}`, restart, kill, stop, dispose };
}
function freePort() {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, () => {
            const address = server.address();
            const port = typeof address === 'object' && address !== null ? address.port : 0;
            server.close(() => resolve(port));
        });
    });
}
//# sourceMappingURL=nats.js.map