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

/** The root of the core NATS subjects beside the log's (`seqline.log` → `seqline.live`): what is sent live, never stored. */
export const liveRoot = (subjectPrefix: string) => `${subjectPrefix.replace(/\.log$/, '')}.live`

/** Where a conversation's events are copied as they are stored, for live delivery by interest. */
export const liveSubjectOf = (names: LogNames, conv: string) => `${liveRoot(names.subjectPrefix)}.event.${conv}`

/** Where a user hears of the events that add them to a conversation. */
export const joinSubjectOf = (names: LogNames, user: string) => `${liveRoot(names.subjectPrefix)}.joined.${user}`
