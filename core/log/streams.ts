import { DiscardPolicy, type JetStreamManager, jetstreamManager, RetentionPolicy, StorageType, type StreamConfig, type StreamInfo } from '@nats-io/jetstream'
import { type NatsConnection, nanos } from '@nats-io/transport-node'
import { LogLayoutError } from './errors.js'
import { isStreamNotFound } from './jetstream-errors.js'
import { type LogNames, liveSubjectOf, partitionSubjects, streamName } from './partitions.js'

export interface StreamSettings {
  replicas: number
  /** How long JetStream remembers a Nats-Msg-Id; retries inside it never append twice. */
  duplicateWindowMs: number
  /** Whether streams created now republish each stored event to its conversation's live subject (see LiveCopies). */
  republish: boolean
}

const describe = (names: LogNames, p: number) => `Seqline log partition ${p} of ${names.partitions}`

type PartitionConfig = Partial<StreamConfig> & { name: string }

function partitionStreamConfig(names: LogNames, p: number, s: StreamSettings): PartitionConfig {
  return {
    name: streamName(names, p),
    description: describe(names, p),
    subjects: [partitionSubjects(names, p)],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_msgs: -1,
    max_bytes: -1,
    max_age: 0,
    num_replicas: s.replicas,
    duplicate_window: nanos(s.duplicateWindowMs),
    allow_direct: true,
    // Burn after read erases single messages; nothing may purge the log wholesale.
    deny_delete: false,
    deny_purge: true,
    ...(s.republish ? { republish: republishOf(names, p) } : {}),
  }
}

/** Each stored event of the partition, copied by the server to its conversation's live subject. */
const republishOf = (names: LogNames, p: number) => ({ src: partitionSubjects(names, p), dest: liveSubjectOf(names, '{{wildcard(1)}}') })

/**
 * Creates missing partition streams and brings existing ones to the configured
 * settings. Refuses to start when the log was laid out with another partition
 * count: conversations would hash to other streams and their history would vanish.
 */
export async function ensureStreams(nc: NatsConnection, names: LogNames, settings: StreamSettings): Promise<{ jsm: JetStreamManager; republished: boolean }> {
  const jsm = await jetstreamManager(nc)
  await checkPartitionCount(jsm, names)
  let republished = true
  for (let p = 0; p < names.partitions; p++) {
    const want = partitionStreamConfig(names, p, settings)
    const have = await ensurePartitionStream(jsm, want)
    republished &&= have.republish?.dest === republishOf(names, p).dest
  }
  return { jsm, republished }
}

/**
 * Creates a stream unless it exists. Another process may create it at the
 * same moment (two instances starting together): then its stream is the one.
 * Returns the stream found, or null when this call created it.
 */
export async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<StreamInfo | null> {
  const have = await streamInfo(jsm, config.name)
  if (have) return have
  await jsm.streams.add(config).catch(async (err: unknown) => {
    if (!(await streamInfo(jsm, config.name))) throw err
  })
  return null
}

function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | null> {
  return jsm.streams.info(name).catch((err: unknown) => {
    if (isStreamNotFound(err)) return null
    throw err
  })
}

/**
 * A partition stream, created or brought to the configured settings; returns
 * its config. A republish is set only when the stream is made: nats-server 2.9
 * refuses to add or change one on a stream that exists.
 */
async function ensurePartitionStream(jsm: JetStreamManager, want: PartitionConfig): Promise<Partial<StreamConfig>> {
  const have = await ensureStream(jsm, want)
  // Made now, by this process or by another at the same moment (maybe another version): as the server has it.
  if (!have) return (await jsm.streams.info(want.name)).config
  const c = have.config
  const same =
    c.description === want.description &&
    c.num_replicas === want.num_replicas &&
    c.duplicate_window === want.duplicate_window &&
    c.allow_direct === true &&
    c.deny_purge === true &&
    JSON.stringify(c.subjects) === JSON.stringify(want.subjects)
  if (same) return c
  const { republish: _, ...settable } = want
  await jsm.streams.update(want.name, { ...settable, ...(c.republish ? { republish: c.republish } : {}) })
  return c
}

async function checkPartitionCount(jsm: JetStreamManager, names: LogNames): Promise<void> {
  const pattern = new RegExp(`^${names.streamPrefix}_(\\d+)$`)
  for await (const info of jsm.streams.list()) {
    const m = pattern.exec(info.config.name)
    if (!m) continue
    const found = /of (\d+)$/.exec(info.config.description ?? '')
    const laidOutWith = found ? Number(found[1]) : NaN
    if (Number(m[1]) >= names.partitions || laidOutWith !== names.partitions) {
      throw new LogLayoutError(
        `the log was laid out with ${laidOutWith || 'another number of'} partitions (stream ${info.config.name}), ` +
          `but ${names.partitions} are configured; set partitions to ${laidOutWith || 'the original count'}`,
      )
    }
  }
}
