import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onLines } from './child-lines.js';
import { TEST_PARTITIONS } from './log.js';
const WRITER = fileURLToPath(new URL('../fixtures/writer.js', import.meta.url));
export function startWriter(url, actor, convs, from, to) {
    const child = spawn(process.execPath, [WRITER, url, actor, convs.join(','), String(from), String(to), String(TEST_PARTITIONS)], {
        stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acks = [];
    const waiters = [];
    onLines(child, (tag, rest) => {
        if (tag === 'ACK') {
            const [conv, seq, id, kind] = rest.split(' ');
            acks.push({ conv: conv, seq: Number(seq), id: id, duplicate: kind === 'dup' });
        }
        for (const w of waiters.filter((w) => acks.length >= w.n))
            w.resolve();
    });
    const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    const acked = (n) => acks.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }));
    return { child, acks, exited, acked };
}
//# sourceMappingURL=writer-process.js.map