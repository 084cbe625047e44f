import { mkdirSync } from 'node:fs';
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { capabilitiesOf } from './capabilities.js';
import { identifier, Sql } from './sql.js';
// 64-bit numbers as JSON numbers: seqs and epoch milliseconds stay below 2^53.
const SETTINGS = { output_format_json_quote_64bit_integers: 0 };
/**
 * The ClickHouse that holds the history — embedded chDB or a server, behind
 * the same @clickhouse/client — with what it can do. Every statement goes
 * through here, with its values bound or escaped by `Sql`.
 */
export class HistoryDb {
    client;
    backend;
    database;
    caps;
    constructor(client, backend, database, caps) {
        this.client = client;
        this.backend = backend;
        this.database = database;
        this.caps = caps;
    }
    static async open(opts) {
        const database = identifier(opts.database);
        const client = opts.url ? serverClient(opts) : chdbClient(opts.chdbPath ?? ':memory:');
        try {
            const caps = await detect(client);
            await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
            return new HistoryDb(client, opts.url ? 'server' : 'chdb', database, caps);
        }
        catch (err) {
            await client.close().catch(() => undefined);
            throw err;
        }
    }
    /** A statement builder matching the server: bound parameters or escaped literals. */
    sql() {
        return new Sql(this.caps.queryParams);
    }
    /** A table name qualified with the history database. */
    table(name) {
        return `${this.database}.${identifier(name)}`;
    }
    async rows(query, sql = this.sql(), settings = {}) {
        const result = await this.client.query({
            query,
            query_params: sql.queryParams,
            format: 'JSONEachRow',
            clickhouse_settings: { ...SETTINGS, ...settings },
        });
        return result.json();
    }
    async command(query, sql = this.sql(), settings = {}) {
        await this.client.command({ query, query_params: sql.queryParams, clickhouse_settings: settings });
    }
    async insert(table, values) {
        if (values.length === 0)
            return;
        await this.client.insert({ table: this.table(table), values, format: 'JSONEachRow' });
    }
    close() {
        return this.client.close();
    }
}
function serverClient(opts) {
    return createClient({
        url: opts.url,
        username: opts.user ?? 'default',
        password: opts.password ?? '',
        request_timeout: 60_000,
        clickhouse_settings: SETTINGS,
    });
}
function chdbClient(path) {
    if (path !== ':memory:')
        mkdirSync(path, { recursive: true });
    // chdb types its connection against its own copy of @clickhouse/client-common; the contract is the same.
    const connection = createChdbConnection({ path });
    return createClient({ connection });
}
async function detect(client) {
    const version = await client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' });
    const [row] = await version.json();
    const names = await client.query({ query: 'SELECT name FROM system.settings', format: 'JSONEachRow' });
    const settings = new Set((await names.json()).map((r) => r.name));
    return capabilitiesOf(row?.version ?? '0', settings);
}
//# sourceMappingURL=history-db.js.map