import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants as fsConstants, fstatSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { delimiter, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tieToParent } from './tie-to-parent.js';
const FALLBACK_BINARY = '/usr/sbin/nats-server';
const STOP_GRACE_MS = 10_000;
const KILL_WAIT_MS = 5_000;
const LOG_POLL_MS = 20;
const READY_LINE = 'Server is ready';
const LISTEN_LINE = /Listening for client connections on \S+:(\d+)/;
export function findNatsServerBinary() {
    const onPath = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'nats-server'));
    return [...onPath, FALLBACK_BINARY].find(isExecutable) ?? null;
}
export async function startNatsServer(opts) {
    const config = resolveConfig(opts);
    await mkdir(config.storeDir, { recursive: true });
    let current = await launch(config, opts.port ?? 0);
    const port = current.port;
    const serial = serializer();
    return {
        url: natsUrl(config.host, port),
        port,
        storeDir: config.storeDir,
        get pid() {
            return current.pid;
        },
        stop: () => serial(() => current.stop()),
        kill: () => serial(() => current.kill()),
        restart: () => serial(async () => {
            await current.stop();
            current = await launch(config, port);
        }),
    };
}
function resolveConfig(opts) {
    const binary = opts.binary ?? findNatsServerBinary();
    if (binary === null) {
        throw new Error(`nats-server not found on PATH or at ${FALLBACK_BINARY}; run: bash ops/setup/install.sh`);
    }
    const storeDir = resolve(opts.storeDir);
    return {
        binary,
        host: opts.host ?? '127.0.0.1',
        storeDir,
        logFile: resolve(opts.logFile ?? join(dirname(storeDir), 'nats-server.log')),
        args: opts.args ?? [],
        readyTimeoutMs: opts.readyTimeoutMs ?? 15_000,
    };
}
async function launch(config, port) {
    await mkdir(dirname(config.logFile), { recursive: true });
    const { child, logOffset } = spawnServer(config, port);
    const pid = child.pid;
    if (pid === undefined) {
        const reason = await spawnFailure(child);
        throw new Error(`cannot start ${config.binary}: ${reason}`);
    }
    const untie = tieToParent(pid);
    // The server must not keep this process alive on its own: a test that forgets
    // cleanup should still exit (untie's exit hook then stops the server).
    child.unref();
    try {
        const actualPort = await waitForReady(child, config, logOffset);
        return toServerProcess(child, pid, actualPort, untie);
    }
    catch (err) {
        await terminate(child, 'SIGKILL', KILL_WAIT_MS);
        untie();
        throw err;
    }
}
// Synchronous on purpose: a spawn failure is emitted as 'error' on the next tick,
// and the caller must be listening by then.
function spawnServer(config, port) {
    const logFd = openSync(config.logFile, 'a');
    try {
        // Restarts append to the same log; readiness is read only past this offset.
        const logOffset = fstatSync(logFd).size;
        const args = ['-js', '-sd', config.storeDir, '-a', config.host, '-p', String(port || -1), ...config.args];
        // The server writes straight to the file, so it never depends on a pipe this process must drain.
        // Its own process group: a terminal's Ctrl-C must reach Seqline only, which
        // then drains its connection before stopping the server in order.
        const child = spawn(config.binary, args, { stdio: ['ignore', logFd, logFd], detached: true });
        return { child, logOffset };
    }
    finally {
        closeSync(logFd);
    }
}
function spawnFailure(child) {
    return new Promise((resolve) => child.once('error', (err) => resolve(err.message)));
}
async function waitForReady(child, config, logOffset) {
    const deadline = Date.now() + config.readyTimeoutMs;
    let failure = null;
    const onExit = (code, signal) => {
        failure = `nats-server exited (${signal ?? `code ${code}`}) before it was ready`;
    };
    const onError = (err) => {
        failure = `nats-server failed: ${err.message}`;
    };
    child.once('exit', onExit).once('error', onError);
    try {
        for (;;) {
            // Read after noting failure, so the log read is complete when we report it.
            const failed = failure;
            const log = await readLogFrom(config.logFile, logOffset);
            const port = readyPort(log);
            if (port !== null)
                return port;
            if (failed !== null)
                throw startupError(failed, config.logFile, log);
            if (Date.now() > deadline)
                throw startupError(`nats-server not ready after ${config.readyTimeoutMs} ms`, config.logFile, log);
            await sleep(LOG_POLL_MS);
        }
    }
    finally {
        child.off('exit', onExit).off('error', onError);
    }
}
async function readLogFrom(logFile, offset) {
    return (await readFile(logFile)).subarray(offset).toString('utf8');
}
function readyPort(log) {
    if (!log.includes(READY_LINE))
        return null;
    const match = LISTEN_LINE.exec(log);
    if (match?.[1] === undefined)
        throw new Error(`nats-server is ready but logged no client port:\n${tail(log)}`);
    return Number(match[1]);
}
function startupError(reason, logFile, log) {
    // A bad flag makes nats-server print its error, then the whole usage text, then exit 0:
    // the tail would show only usage, so report the lines before it instead.
    const usageAt = log.indexOf('Usage: nats-server');
    const excerpt = usageAt > 0 ? log.slice(0, usageAt) : tail(log);
    return new Error(`${reason}; from ${logFile}:\n${excerpt.trimEnd()}`);
}
function tail(text, lines = 20) {
    return text.trimEnd().split('\n').slice(-lines).join('\n');
}
function toServerProcess(child, pid, port, untie) {
    const finish = async (signal) => {
        await terminate(child, signal, signal === 'SIGKILL' ? KILL_WAIT_MS : STOP_GRACE_MS);
        untie();
    };
    return { child, pid, port, stop: () => finish('SIGTERM'), kill: () => finish('SIGKILL') };
}
async function terminate(child, signal, graceMs) {
    if (hasExited(child))
        return;
    child.kill(signal);
    if (await waitForExit(child, graceMs))
        return;
    child.kill('SIGKILL');
    if (await waitForExit(child, KILL_WAIT_MS))
        return;
    throw new Error(`nats-server pid ${child.pid} did not exit after SIGKILL`);
}
function waitForExit(child, ms) {
    if (hasExited(child))
        return Promise.resolve(true);
    return new Promise((resolve) => {
        const onExit = () => {
            clearTimeout(timer);
            resolve(true);
        };
        // A referenced timer also keeps the event loop alive while we wait for the unref'd child.
        const timer = setTimeout(() => {
            child.off('exit', onExit);
            resolve(false);
        }, ms);
        child.once('exit', onExit);
    });
}
function hasExited(child) {
    return child.exitCode !== null || child.signalCode !== null;
}
function natsUrl(host, port) {
    const reachable = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
    return `nats://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
function isExecutable(path) {
    try {
        accessSync(path, fsConstants.X_OK);
        return true;
    }
    catch {
        return false;
    }
}
/** Runs operations one at a time, so stop/kill/restart never interleave. */
function serializer() {
    let last = Promise.resolve();
    return (op) => {
        const run = last.then(op, op);
        last = run.catch(() => undefined);
        return run;
    };
}
//# sourceMappingURL=nats-server.js.map