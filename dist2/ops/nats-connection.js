import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator } from '@nats-io/transport-node';
import { startNatsServer } from './servers/nats-server.js';
/** Connects to the configured NATS server, or starts the embedded local one first. */
export async function connectNats(config, name) {
    const local = config.natsUrl
        ? null
        : await startNatsServer({
            storeDir: resolve(join(config.dataDir, 'nats')),
            port: config.natsPort,
            logFile: resolve(join(config.dataDir, 'nats-server.log')),
        });
    const url = config.natsUrl ?? local.url;
    // A cluster is configured as the comma-separated URLs of its nodes: the client
    // connects to any of them and, when its node goes, reconnects to another at once.
    const servers = url.split(',').map((s) => s.trim());
    // No async stack captures: nats.js otherwise allocates an Error for every request.
    // Reconnecting waits at most 250 ms before trying a server again (nats.js waits 2 s by default),
    // so losing this process's node costs a fraction of a second.
    const nc = await connect({ servers, name, maxReconnectAttempts: -1, reconnectTimeWait: 250, noAsyncTraces: true, ...natsSecurity(config) });
    return {
        nc,
        url,
        local,
        async close() {
            await nc.drain();
            await local?.stop();
        },
    };
}
/** Credentials and TLS for a configured NATS server, from configuration only. */
export function natsSecurity(config) {
    const opts = {};
    if (config.natsToken)
        opts.token = config.natsToken;
    if (config.natsUser)
        Object.assign(opts, { user: config.natsUser, pass: config.natsPassword });
    if (config.natsCredsFile)
        opts.authenticator = credsAuthenticator(new Uint8Array(readFileSync(config.natsCredsFile)));
    if (config.natsCaFile || config.natsCertFile) {
        opts.tls = {
            ...(config.natsCaFile ? { caFile: config.natsCaFile } : {}),
            ...(config.natsCertFile ? { certFile: config.natsCertFile, keyFile: config.natsKeyFile } : {}),
        };
    }
    return opts;
}
//# sourceMappingURL=nats-connection.js.map