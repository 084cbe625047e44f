import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HistoryDb } from '../../projections/history/history-db.js';
import { startTestClickHouse } from './clickhouse.js';
/**
 * Registers before/after hooks giving the suite a real ClickHouse: embedded
 * chDB in a temporary directory (one per test process, as chDB allows), or a
 * real server started for the suite.
 */
export function withHistoryBackend(name) {
    const opened = [];
    let dir = '';
    let url = '';
    let stopServer = async () => undefined;
    before(async () => {
        dir = mkdtempSync(join(tmpdir(), 'seqline-history-'));
        if (name !== 'server')
            return;
        const server = await startTestClickHouse();
        url = server.url;
        stopServer = () => server.cleanup();
    });
    after(async () => {
        for (const db of opened)
            await db.close().catch(() => undefined);
        await stopServer();
        rmSync(dir, { recursive: true, force: true });
    });
    return {
        name,
        async open(database) {
            const db = await HistoryDb.open(name === 'server' ? { url, database } : { database, chdbPath: join(dir, 'chdb') });
            opened.push(db);
            return db;
        },
    };
}
/** Waits until the sink has written everything in the log. */
export async function sinkCaughtUp(sink, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (sink.error)
            throw sink.error;
        await sink.flush();
        if ((await sink.lag()).events === 0)
            return;
        if (Date.now() > deadline)
            throw new Error(`history sink still ${(await sink.lag()).events} events behind after ${timeoutMs} ms`);
        await sleep(20);
    }
}
//# sourceMappingURL=history.js.map