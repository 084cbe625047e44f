/** Where a conversation lives: its partition stream and its subject in that stream. */
export interface LogNames {
  streamPrefix: string
  subjectPrefix: string
  partitions: number
}

export const DEFAULT_NAMES: LogNames = { streamPrefix: 'SEQLINE_LOG', subjectPrefix: 'seqline.log', partitions: 8 }

/** FNV-1a over the id's characters: stable across processes, versions and platforms. */
export function partitionOf(conv: string, partitions: number): number {
  let h = 0x811c9dc5
  for (let i = 0; i < conv.length; i++) {
    h ^= conv.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h % partitions
}

export const streamName = (names: LogNames, partition: number) => `${names.streamPrefix}_${partition}`
export const partitionSubjects = (names: LogNames, partition: number) => `${names.subjectPrefix}.${partition}.*`

export function subjectOf(names: LogNames, conv: string): string {
  return `${names.subjectPrefix}.${partitionOf(conv, names.partitions)}.${conv}`
}
