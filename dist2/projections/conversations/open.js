import { ProjectionRunner } from '../runtime/runner.js';
import { ViewStore } from '../runtime/view-store.js';
import { conversationsProjection } from './apply.js';
import { CONVERSATIONS_BUCKET } from './views.js';
/** The conversations projection as Seqline runs it: its bucket, its name, its runner (not started). */
export async function openConversationsRunner(log, opts = {}) {
    const store = await ViewStore.open(log.nc, CONVERSATIONS_BUCKET, opts.replicas);
    return ProjectionRunner.create(log, store, conversationsProjection(log), opts);
}
//# sourceMappingURL=open.js.map