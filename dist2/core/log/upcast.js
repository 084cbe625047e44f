import { EVENT_VERSION } from '../../schemas/events.js';
export const UPCASTERS = {};
export function upcast(event, upcasters = UPCASTERS, current = EVENT_VERSION) {
    const target = current[event.type];
    if (event.v === target)
        return event;
    if (event.v > target) {
        throw new Error(`event ${event.conv}#${event.seq} has ${event.type} v${event.v}, newer than this Seqline reads (v${target})`);
    }
    let data = event.data;
    for (let v = event.v; v < target; v++) {
        const step = upcasters[event.type]?.[v];
        if (!step)
            throw new Error(`no upcaster for ${event.type} from v${v} to v${v + 1}`);
        data = step(data);
    }
    return { ...event, data, v: target };
}
//# sourceMappingURL=upcast.js.map