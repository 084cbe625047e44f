// The WebSocket benchmark's API in a process of its own (`--ws-api child`),
// so its CPU and event loop are not shared with the benchmark's clients.
// Configured by SEQLINE_BENCH_WS (JSON: servers, log names, bucket, secrets);
// answers one request line at a time on stdin:
//   (start)   READY <url>
//   settle    SETTLED              the views reflect the whole log
//   usage     USAGE <json>         cumulative CPU seconds, current and peak RSS, event-loop delay since the last usage
//   stop      STOPPED              API and projection stopped; then the process exits
// and ERR <message> when anything fails.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { connect } from '@nats-io/transport-node';
import { EventLog } from '../../core/log/event-log.js';
import { startBenchApi } from './ws-api.js';
const config = JSON.parse(process.env['SEQLINE_BENCH_WS'] ?? 'null');
if (!config) {
    console.error('SEQLINE_BENCH_WS is not set: this process is started by ops/bench/ws-stack.ts');
    process.exit(2);
}
const say = (line) => process.stdout.write(`${line}\n`);
const LOOP_RESOLUTION_MS = 5;
const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
loop.enable();
try {
    const nc = await connect({ servers: config.servers, noAsyncTraces: true });
    const log = await EventLog.open(nc, { names: config.names });
    const api = await startBenchApi(log, config.bucket, config.secrets);
    say(`READY ${api.url}`);
    const requests = createInterface({ input: process.stdin });
    for await (const line of requests) {
        if (line === 'settle')
            await api.settle().then(() => say('SETTLED'));
        else if (line === 'usage')
            say(`USAGE ${JSON.stringify(usage())}`);
        else if (line === 'stop')
            break;
        else
            say(`ERR unknown request ${JSON.stringify(line)}`);
    }
    // A closed stdin (the parent is gone) stops the process as cleanly as a `stop`.
    await api.stop();
    log.close();
    await nc.close();
    say('STOPPED');
    process.exit(0);
}
catch (err) {
    say(`ERR ${err.message.replace(/\n/g, ' ')}`);
    process.exit(1);
}
function usage() {
    const cpu = process.cpuUsage();
    const ms = (ns) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
    const loopDelay = { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) };
    loop.reset();
    return { cpuSeconds: (cpu.user + cpu.system) / 1e6, rssMb: process.memoryUsage.rss() / 2 ** 20, maxRssMb: process.resourceUsage().maxRSS / 1024, loopDelay };
}
//# sourceMappingURL=ws-api-process.js.map