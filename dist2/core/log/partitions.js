export const DEFAULT_NAMES = { streamPrefix: 'SEQLINE_LOG', subjectPrefix: 'seqline.log', partitions: 8 };
/** FNV-1a over the id's characters: stable across processes, versions and platforms. */
export function partitionOf(conv, partitions) {
    let h = 0x811c9dc5;
    for (let i = 0; i < conv.length; i++) {
        h ^= conv.charCodeAt(i);
        h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h % partitions;
}
export const streamName = (names, partition) => `${names.streamPrefix}_${partition}`;
export const partitionSubjects = (names, partition) => `${names.subjectPrefix}.${partition}.*`;
export function subjectOf(names, conv) {
    return `${names.subjectPrefix}.${partitionOf(conv, names.partitions)}.${conv}`;
}
//# sourceMappingURL=partitions.js.map