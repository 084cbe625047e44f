// The API as `npm start` runs it — the conversations projection into its
// views, the command handler, and the REST + WebSocket API on a free port —
// over a benchmark's own log and bucket, in whichever process calls this.
// Rate limits are lifted: the benchmark sets the load itself, and a 429 would
// measure the limiter.
import { jetstreamManager } from '@nats-io/jetstream';
import { CommandHandler } from '../../core/commands/command-handler.js';
import { Tokens } from '../../api/auth/tokens.js';
import { startApi } from '../../api/server.js';
import { UserDirectory } from '../../api/users.js';
import { conversationsProjection } from '../../projections/conversations/apply.js';
import { ConversationViews } from '../../projections/conversations/views.js';
import { ProjectionRunner } from '../../projections/runtime/runner.js';
import { ViewStore } from '../../projections/runtime/view-store.js';
import { untilCaughtUp } from './catch-up.js';
const LIMITS = { bodyLimitBytes: 256 * 1024, rateLimitPerMinute: 10_000_000 };
const SETTLE_POLL_MS = 20;
const SETTLE_TIMEOUT_MS = 120_000;
/** The commit log stream every projection shares (see projections/runtime/commit-log.ts). */
const COMMITS_STREAM = 'SEQLINE_VIEW_COMMITS';
export async function startBenchApi(log, bucket, secrets) {
    const store = await ViewStore.open(log.nc, bucket);
    const runner = await ProjectionRunner.create(log, store, conversationsProjection(log, bucket));
    await runner.start();
    const views = await ConversationViews.open(log.nc, bucket, bucket);
    const users = await UserDirectory.open(log.nc, usersBucket(bucket));
    const tokens = new Tokens(secrets);
    const deps = { log, handler: new CommandHandler(log), views, tokens, users, limits: LIMITS, projectionLag: () => runner.lag() };
    const api = await startApi(deps, '127.0.0.1', 0);
    return {
        url: api.url,
        async settle() {
            await untilCaughtUp(runner, SETTLE_POLL_MS, SETTLE_TIMEOUT_MS);
            await runner.flush();
        },
        async stop() {
            try {
                await api.close();
                await runner.stop();
            }
            finally {
                runner.close();
            }
        },
    };
}
/** Deletes the views, user directory and commits of a bucket (after the API using it has stopped). */
export async function dropBenchViews(log, bucket) {
    const jsm = await jetstreamManager(log.nc);
    for (const stream of [`KV_${bucket}`, `KV_${usersBucket(bucket)}`])
        await jsm.streams.delete(stream).catch(() => undefined);
    await jsm.streams.purge(COMMITS_STREAM, { filter: `seqline.view.${bucket}.>` }).catch(() => undefined);
}
const usersBucket = (bucket) => `${bucket}_users`;
//# sourceMappingURL=ws-api.js.map