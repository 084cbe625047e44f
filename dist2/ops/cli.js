#!/usr/bin/env node
// `seqline <command>`: up, export, replay, rebuild, doctor, bench.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeChecks, doctor } from './cli/doctor.js';
import { describeVerification, exportEvents } from './cli/export.js';
import { rebuild, rebuildHistory } from './cli/rebuild.js';
import { describeState, replay } from './cli/replay.js';
import { up } from './cli/up.js';
import { ConfigError, loadConfig } from './config.js';
import { connectNats } from './nats-connection.js';
import { openLog } from './open-log.js';
const USAGE = `usage: seqline <command> [options]

  up                                   start Seqline (log, projection, burn executor, API) with the configured or embedded servers
  export --conv <id> | --since <time> [--until <time>] [--format ndjson|csv] [--out file] [--verify]
                                       events for audits; --verify checks a conversation's seq is dense and lists tombstones
  replay --conv <id> [--seq <n>] [--verify]
                                       the conversation's state (members, roles, mutes, ...) as of a seq
  rebuild conversations | history      drop a projection (the views, or the ClickHouse history) and replay the log into it (with Seqline stopped)
  doctor                               servers, versions, capabilities, streams, views, projection and history lag
  bench [options]                      the benchmarks (see README)

configuration: environment variables SEQLINE_* and an optional JSON file named by SEQLINE_CONFIG (see README)`;
async function main(argv) {
    const [command, ...rest] = argv;
    if (!command || command === 'help' || command === '--help')
        return print(USAGE, 0);
    if (command === 'bench')
        return bench(rest);
    const config = loadConfig();
    if (command === 'up')
        return up(config).then(() => 0);
    if (command === 'rebuild') {
        if (rest[0] === 'conversations')
            return rebuild(config).then(() => 0);
        if (rest[0] === 'history')
            return rebuildHistory(config).then(() => 0);
        return print('rebuild: the projections are "conversations" and "history"', 2);
    }
    if (command === 'export' || command === 'replay' || command === 'doctor')
        return withLog(config, (log) => run(command, rest, log, config));
    return print(`unknown command ${command}\n\n${USAGE}`, 2);
}
async function run(command, args, log, config) {
    const { values } = parseArgs({
        args,
        options: {
            conv: { type: 'string' },
            since: { type: 'string' },
            until: { type: 'string' },
            seq: { type: 'string' },
            format: { type: 'string', default: 'ndjson' },
            out: { type: 'string' },
            verify: { type: 'boolean', default: false },
        },
    });
    if (command === 'doctor') {
        const checks = await doctor(log.nc, log, config);
        console.log(describeChecks(checks));
        return checks.every((c) => c.ok) ? 0 : 1;
    }
    if (command === 'replay') {
        if (!values.conv)
            return print('replay needs --conv <id>', 2);
        console.log(JSON.stringify(describeState(await replay(log, values.conv, values.seq ? Number(values.seq) : undefined)), null, 2));
        return 0;
    }
    if (!values.conv && !values.since)
        return print('export needs --conv <id> or --since <time>', 2);
    if (values.format !== 'ndjson' && values.format !== 'csv')
        return print('--format is ndjson or csv', 2);
    const verification = await exportEvents(log, {
        conv: values.conv,
        since: time(values.since),
        until: time(values.until),
        format: values.format,
        out: values.out,
        verify: values.verify,
    });
    if (!verification)
        return 0;
    console.error(describeVerification(verification));
    return verification.ok ? 0 : 1;
}
/** Epoch ms, or an ISO 8601 date. */
function time(value) {
    if (value === undefined)
        return undefined;
    const t = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    if (Number.isNaN(t))
        throw new ConfigError(`not a time: ${value} (epoch ms or ISO 8601)`);
    return t;
}
async function withLog(config, work) {
    const nats = await connectNats(config, 'seqline-cli');
    try {
        const log = await openLog(nats.nc, config);
        try {
            return await work(log);
        }
        finally {
            log.close();
        }
    }
    finally {
        await nats.close();
    }
}
function bench(args) {
    const script = fileURLToPath(new URL('./bench/main.js', import.meta.url));
    const child = spawn(process.execPath, [script, ...args], { stdio: 'inherit' });
    return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}
function print(text, code) {
    ;
    (code === 0 ? console.log : console.error)(text);
    return code;
}
main(process.argv.slice(2)).then((code) => process.exit(code), (err) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
});
//# sourceMappingURL=cli.js.map