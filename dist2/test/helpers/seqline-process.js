import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tieToParent } from '../../ops/servers/tie-to-parent.js';
const CLI = fileURLToPath(new URL('../../ops/cli.js', import.meta.url));
const API_LINE = /^\s*API\s+(https?:\/\/\S+)/m;
/** Starts `node dist/ops/cli.js up` with the given environment and waits for its API address. */
export async function startSeqline(env, readyTimeoutMs = 60_000) {
    const child = spawn(process.execPath, [CLI, 'up'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const untie = tieToParent(child.pid);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (out += d));
    const exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const gone = () => child.exitCode !== null || child.signalCode !== null;
    const stop = async (graceMs = 10_000) => {
        if (!gone()) {
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
            await exited;
            clearTimeout(timer);
        }
        untie();
    };
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
        const url = API_LINE.exec(out)?.[1];
        if (url)
            return { url, child, output: () => out, stop };
        if (gone() || Date.now() > deadline) {
            await stop(1000);
            throw new Error(`seqline up did not start (${gone() ? `exit ${child.exitCode ?? child.signalCode}` : 'timeout'}):\n${out}`);
        }
        await new Promise((r) => setTimeout(r, 50));
    }
}
//# sourceMappingURL=seqline-process.js.map