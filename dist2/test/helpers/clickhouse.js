import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClickHouseServer } from '../../ops/servers/clickhouse-server.js';
// A modern LTS: users run current servers, the local binary is Debian's 18.16.
const CONTAINER_IMAGE = 'clickhouse/clickhouse-server:25.8';
const CONTAINER_PORT = 8123;
const DOCKER_PROBE_MS = 2_000;
/** Starts a server for the calling test and stops and removes it when the test ends. */
export async function withClickHouseServer(t, opts = {}) {
    const server = await startTestClickHouse(opts);
    if ('after' in t)
        t.after(() => server.cleanup());
    else
        t.defer(() => server.cleanup());
    return server;
}
export async function startTestClickHouse(opts = {}) {
    const dir = await mkdtemp(join(tmpdir(), 'seqline-clickhouse-'));
    try {
        const mode = await chooseMode();
        const handle = mode === 'container' ? await startContainer(opts) : await startLocal(dir, opts);
        return toTestClickHouse(handle, dir, mode, opts.user);
    }
    catch (err) {
        await rm(dir, { recursive: true, force: true });
        throw err;
    }
}
function toTestClickHouse(handle, dir, mode, user) {
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
        user,
        restart: () => handle.restart(),
        kill: () => handle.kill(),
        stop: () => handle.stop(),
        cleanup: () => (cleaned ??= cleanup()),
    };
}
async function chooseMode() {
    const forced = process.env['SEQLINE_TEST_CLICKHOUSE'];
    if (forced === 'local' || forced === 'container')
        return forced;
    if (forced)
        throw new Error(`SEQLINE_TEST_CLICKHOUSE must be 'local' or 'container', not '${forced}'`);
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
async function startLocal(dir, opts) {
    const server = await startClickHouseServer({
        dataDir: join(dir, 'data'),
        logFile: join(dir, 'clickhouse-server.log'),
        ...(opts.user === undefined ? {} : { user: opts.user }),
    });
    return { url: server.url, restart: server.restart, kill: server.kill, stop: server.stop, dispose: server.stop };
}
async function startContainer(opts) {
    const tc = await loadTestcontainers();
    // A fixed host port, unlike a random mapping, survives a container restart, so the URL does too.
    const hostPort = await freePort();
    let container = new tc.GenericContainer(CONTAINER_IMAGE)
        // Keep the image's passwordless `default` user reachable from the host; without
        // this the entrypoint limits it to the container's own loopback.
        .withEnvironment({ CLICKHOUSE_SKIP_USER_SETUP: '1' })
        .withUlimits({ nofile: { soft: 262_144, hard: 262_144 } })
        .withExposedPorts({ container: CONTAINER_PORT, host: hostPort })
        .withWaitStrategy(tc.Wait.forHttp('/ping', CONTAINER_PORT).forResponsePredicate((body) => body.trim() === 'Ok.'));
    if (opts.user !== undefined) {
        container = container.withCopyContentToContainer([{ content: containerUserXml(opts.user), target: '/etc/clickhouse-server/users.d/seqline-user.xml' }]);
    }
    const started = await container.start();
    const containers = (await tc.getContainerRuntimeClient()).container;
    const running = containers.getById(started.getId());
    let up = true;
    const stop = async () => {
        if (!up)
            return;
        await containers.stop(running, { timeout: 10_000 });
        up = false;
    };
    const kill = async () => {
        if (!up)
            return;
        await running.kill({ signal: 'SIGKILL' });
        up = false;
    };
    const restart = async () => {
        await stop();
        // Restarting keeps the container's filesystem, and with it /var/lib/clickhouse.
        await started.restart();
        up = true;
    };
    const dispose = async () => {
        await started.stop();
        up = false;
    };
    return { url: `http://${started.getHost()}:${started.getMappedPort(CONTAINER_PORT)}`, restart, kill, stop, dispose };
}
function containerUserXml(user) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(user.name))
        throw new Error(`ClickHouse user name '${user.name}' is not a plain identifier`);
    const password = user.password.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return `<clickhouse><users><${user.name}>
  <password>${password}</password>
  <networks><ip>::/0</ip></networks>
  <profile>default</profile>
  <quota>default</quota>
</${user.name}></users></clickhouse>
`;
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
//# sourceMappingURL=clickhouse.js.map