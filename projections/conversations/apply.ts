import { foundingMembers, isPrivate, membershipChange } from '../../core/domain/index.js'
import type { EventLog, Followed } from '../../core/log/index.js'
import type { EventOf, SeqlineEvent } from '../../schemas/index.js'
import { SYSTEM_ACTOR } from '../../schemas/index.js'
import type { Projection, ViewStore } from '../runtime/index.js'
import { applyPin, applyReaction, detachGone } from './attached.js'
import { keys } from './keys.js'
import { chunkFor, markGone, markLive } from './message-index.js'
import type { BurnRecord, ContentRef, HeadRecord, MemberRecord, Mention, ReadRecord, UserRecord } from './records.js'
import { type Gone, isReply, replied, replyEdited, replyGone } from './threads.js'
import { countViews } from './view-counts.js'

/** Mentions kept per conversation: enough for any realistic unread window. */
const MAX_MENTIONS = 1000

/**
 * The conversations projection: per conversation a head record (inbox row
 * data), a member list, the message index, per member a read position, per
 * user a conversation list, and the burn-after-read schedule. One message
 * writes the head, one index chunk and the sender's read position — the same
 * whether the group has two members or five thousand.
 */
export function conversationsProjection(log: EventLog, name = 'conversations'): Projection {
  return { name, apply: (f, store) => apply(f, store, log) }
}

async function apply(f: Followed, store: ViewStore, log: EventLog): Promise<void> {
  const e = f.event
  const headKey = keys.head(e.conv)
  const head = e.type === 'conversation.created' ? created(e) : await store.get<HeadRecord>(headKey)
  if (!head) throw new Error(`${e.conv}#${e.seq} ${e.type}: no head record; the projection missed the conversation's creation`)
  await chunkFor(store, e.conv, e.seq)
  await applyTo(e, head, store, { stream: log.streamOfPartition(f.partition), streamSeq: f.streamSeq })
  await detachGone(e, head, store)
  head.head = Math.max(head.head, e.seq)
  // A private event changes nothing another member sees: only the actor's own row is marked changed.
  if (!isPrivate(e)) head.changedAt = Math.max(head.changedAt, e.at)
  store.set(headKey, head)
}

/** `at` is where e itself is stored: the inbox reads a message's text from there, never from a view. */
async function applyTo(e: SeqlineEvent, head: HeadRecord, store: ViewStore, at: ContentRef): Promise<void> {
  switch (e.type) {
    case 'conversation.created': {
      const members = foundingMembers(e)
      for (const m of members) store.set(keys.member(e.conv, m.user), { role: m.role, since: e.seq, mutedUntil: 0 } satisfies MemberRecord)
      head.members = members.length
      await Promise.all(members.map((m) => join(store, e, m.user)))
      return
    }
    case 'member.invited':
    case 'member.joined':
      return addMembers(store, e, membershipChange(e).added, head)
    case 'member.left':
    case 'member.kicked':
      return removeMembers(store, e, membershipChange(e).removed, head)
    case 'member.role_changed':
      return updateMember(store, e.conv, e.data.user, (m) => (m.role = e.data.role))
    case 'group.ownership_transferred':
      await updateMember(store, e.conv, e.data.from, (m) => (m.role = 'admin'))
      return updateMember(store, e.conv, e.data.to, (m) => (m.role = 'owner'))
    case 'group.info_updated':
      if (e.data.name) head.name = e.data.name
      if (e.data.previews === false) head.previews = false
      if (e.data.previews === true) delete head.previews
      return
    case 'group.muted':
    case 'group.unmuted':
      head.groupMuted = e.type === 'group.muted'
      return
    case 'member.muted':
    case 'member.unmuted': {
      const until = e.type === 'member.muted' ? e.data.until : 0
      await updateMember(store, e.conv, e.data.user, (m) => (m.mutedUntil = until))
      return updateUser(store, e.data.user, e.conv, (c) => {
        c.mutedUntil = until
        c.changedAt = e.at
      })
    }
    case 'group.dissolved':
      head.dissolved = true
      return
    case 'burn.configured':
      head.burn = { enabled: e.data.enabled, seconds: e.data.seconds }
      return
    case 'message.sent':
      return sent(e, head, store, at)
    case 'message.edited':
      return edited(e, head, store, at)
    case 'message.recalled':
      await gone(e, e.data.target, head, store, e.data.erase ? 'erased' : 'recalled', e.data.thread)
      // The log's copies are erased by the burn-erase reactor; the views drop the schedule.
      if (e.data.erase) return unschedule(store, e.conv, e.data.target)
      return
    case 'message.burned':
      await gone(e, e.data.target, head, store, 'burned', e.data.thread)
      return unschedule(store, e.conv, e.data.target)
    case 'content.erased':
      for (const t of e.data.targets) {
        await gone(e, t.seq, head, store, 'wiped', t.thread)
        await unschedule(store, e.conv, t.seq)
      }
      // The retention sweep goes on after the last message it erased.
      if (e.data.reason === 'retention') head.retainedFrom = Math.max(head.retainedFrom ?? 1, ...e.data.targets.map((t) => t.seq + 1))
      return
    case 'retention.configured':
      if (e.data.days === null) delete head.retention
      else head.retention = e.data.days
      return
    case 'conversation.read':
      return read(store, e, e.actor, e.data.upTo, head)
    case 'message.deleted_for_me':
      // The actor's other devices learn from their sync that there is something to pull.
      return updateUser(store, e.actor, e.conv, (c) => (c.changedAt = Math.max(c.changedAt ?? 0, e.at)))
    case 'notifications.configured':
      return updateUser(store, e.actor, e.conv, (c) => {
        c.notify = e.data.until === undefined ? { mode: e.data.mode } : { mode: e.data.mode, until: e.data.until }
        c.changedAt = Math.max(c.changedAt ?? 0, e.at)
      })
    case 'reaction.added':
    case 'reaction.removed':
      return applyReaction(e, head, store)
    case 'message.pinned':
    case 'message.unpinned':
      return applyPin(e, head)
  }
}

function created(e: EventOf<'conversation.created'>): HeadRecord {
  return {
    kind: e.data.kind,
    ...(e.data.kind !== 'direct' ? { name: e.data.name } : {}),
    head: 0,
    live: 0,
    activityAt: e.at,
    changedAt: e.at,
    groupMuted: false,
    dissolved: false,
    burn: { enabled: false, seconds: 0 },
    mentions: [],
  }
}

async function sent(e: EventOf<'message.sent'>, head: HeadRecord, store: ViewStore, at: ContentRef) {
  // A thread reply is not the conversation's last message nor counted unread: its thread's participants are notified instead.
  if (isReply(e)) await replied(e, head, store, at)
  else {
    await markLive(store, e.conv, e.seq)
    head.live++
    head.last = { seq: e.seq, actor: e.actor, at: e.at, state: 'live', content: at, ...(e.data.burnAfter ? { burnable: true as const } : {}) }
    head.activityAt = e.at
  }
  const m = e.data.mentions
  if (m && (m.all || m.users?.length)) {
    head.mentions.push({ seq: e.seq, actor: e.actor, ...(m.users?.length ? { users: [...m.users] } : {}), ...(m.all ? { all: true } : {}) })
    if (head.mentions.length > MAX_MENTIONS) head.mentions.splice(0, head.mentions.length - MAX_MENTIONS)
  }
  // Sending marks one's own message, and everything before it, read.
  if (e.actor !== SYSTEM_ACTOR) await read(store, e, e.actor, e.seq, head)
  if (e.data.burnAfter) {
    const burns = await burnRecord(store, e.conv)
    burns.items.push({ seq: e.seq, sender: e.actor, after: e.data.burnAfter, edits: [] })
    store.set(keys.due(e.conv), burns)
  }
}

async function edited(e: EventOf<'message.edited'>, head: HeadRecord, store: ViewStore, at: ContentRef) {
  await replyEdited(e, store, at)
  if (head.last?.seq === e.data.target && head.last.state !== 'recalled' && head.last.state !== 'burned') {
    const { seq, actor, at: sentAt, burnable } = head.last
    // Built anew, not spread: a record from a version that kept a preview must not carry it on.
    head.last = { seq, actor, at: sentAt, state: 'edited', content: at, ...(burnable ? { burnable } : {}) }
  }
  const burns = await store.get<BurnRecord>(keys.due(e.conv))
  const item = burns?.items.find((i) => i.seq === e.data.target)
  if (!burns || !item) return
  item.edits.push(e.seq)
  store.set(keys.due(e.conv), burns)
}

/** How a message went: recalled (its content kept or, erased, not), burned, or wiped by a retention policy or a user erasure. */
async function gone(e: SeqlineEvent, target: number, head: HeadRecord, store: ViewStore, how: Gone, thread: number | undefined) {
  // The event itself may open a new index chunk, whose count must drop too.
  if (await markGone(store, e.conv, target, Math.max(head.head, e.seq))) head.live--
  head.mentions = head.mentions.filter((m: Mention) => m.seq !== target)
  if (await replyGone(e, target, thread, head, store, how)) return
  if (how === 'recalled') {
    if (head.last?.seq === target) head.last = { seq: target, actor: head.last.actor, at: head.last.at, state: 'recalled' }
    return
  }
  // A rebuild never sees an erased message, so the row is set from the
  // tombstone or the erasing recall alone: the same whether or not the original was seen.
  if (target < (head.last?.seq ?? 0)) return
  if (how === 'wiped') {
    // Old content leaving is no activity: the conversation keeps its place in the inbox.
    head.last = { seq: target, actor: SYSTEM_ACTOR, at: head.last?.at ?? e.at, state: 'erased' }
    return
  }
  head.last = how === 'burned' ? { seq: target, actor: SYSTEM_ACTOR, at: e.at, state: 'burned' } : { seq: target, actor: e.actor, at: e.at, state: 'recalled' }
  head.activityAt = Math.max(head.activityAt, e.at)
}

/** An erased or burned message has nothing left to burn. */
async function unschedule(store: ViewStore, conv: string, target: number) {
  const burns = await store.get<BurnRecord>(keys.due(conv))
  if (!burns?.items.some((i) => i.seq === target)) return
  burns.items = burns.items.filter((i) => i.seq !== target)
  store.set(keys.due(conv), burns)
}

/** A read covers everything up to its seq; it schedules the burn of the other side's burn-after-read messages, and counts a channel's views. */
async function read(store: ViewStore, e: SeqlineEvent, user: string, upTo: number, head: HeadRecord) {
  const key = keys.read(e.conv, user)
  const current = await store.get<ReadRecord>(key)
  if (current && current.seq >= upTo) return
  store.set(key, { seq: upTo, at: e.at })
  if (head.kind === 'channel') await countViews(store, e.conv, current?.seq ?? 0, upTo)
  const burns = await store.get<BurnRecord>(keys.due(e.conv))
  if (!burns) return
  let scheduled = false
  for (const item of burns.items) {
    if (item.dueAt !== undefined || item.sender === user || item.seq > upTo) continue
    item.dueAt = e.at + item.after * 1000
    scheduled = true
  }
  if (scheduled) store.set(keys.due(e.conv), burns)
}

async function burnRecord(store: ViewStore, conv: string): Promise<BurnRecord> {
  return (await store.get<BurnRecord>(keys.due(conv))) ?? { items: [] }
}

async function join(store: ViewStore, e: SeqlineEvent, user: string) {
  store.set(keys.read(e.conv, user), { seq: e.seq, at: e.at } satisfies ReadRecord)
  await updateUser(store, user, e.conv, (c) => {
    c.since = e.seq
    c.mutedUntil = c.mutedUntil ?? 0
    c.changedAt = e.at
    delete c.left
    delete c.leftAt
    delete c.lastAtLeave
    delete c.groupAtLeave
  })
}

async function addMembers(store: ViewStore, e: SeqlineEvent, users: readonly string[], head: HeadRecord) {
  await Promise.all(
    users.map(async (user) => {
      const key = keys.member(e.conv, user)
      const record = await store.get<MemberRecord>(key)
      if (record && record.left === undefined) return
      // A mute outlives leaving and rejoining (the decider keeps it too).
      store.set(key, { role: 'member', since: e.seq, mutedUntil: record?.mutedUntil ?? 0 } satisfies MemberRecord)
      head.members = (head.members ?? 0) + 1
      await join(store, e, user)
    }),
  )
}

async function removeMembers(store: ViewStore, e: SeqlineEvent, users: readonly string[], head: HeadRecord) {
  await Promise.all(users.map((user) => removeMember(store, e, user, head)))
}

async function removeMember(store: ViewStore, e: SeqlineEvent, user: string, head: HeadRecord) {
  const key = keys.member(e.conv, user)
  const member = await store.get<MemberRecord>(key)
  if (!member || member.left !== undefined) return
  store.set(key, { ...member, left: e.seq } satisfies MemberRecord)
  head.members = Math.max(0, (head.members ?? 1) - 1)
  await updateUser(store, user, e.conv, (c) => {
    c.left = e.seq
    c.leftAt = e.at
    c.changedAt = e.at
    // Former members keep the conversation as it stood: the last message they could see.
    if (head.last) c.lastAtLeave = head.last
    else delete c.lastAtLeave
    c.groupAtLeave = { ...(head.name ? { name: head.name } : {}), groupMuted: head.groupMuted }
  })
}

async function updateMember(store: ViewStore, conv: string, user: string, change: (m: MemberRecord) => void) {
  const key = keys.member(conv, user)
  const member = await store.get<MemberRecord>(key)
  if (!member || member.left !== undefined) return
  change(member)
  store.set(key, member)
}

async function updateUser(store: ViewStore, user: string, conv: string, change: (c: UserRecord['convs'][string]) => void) {
  const record = await store.getOrCreate<UserRecord>(keys.user(user), () => ({ convs: {} }), true)
  const entry = record.convs[conv] ?? { since: 0, mutedUntil: 0 }
  change(entry)
  record.convs[conv] = entry
  // The user's list is shared by every partition holding one of their conversations: only this entry is written, merged.
  store.setEntry(keys.user(user), 'convs', conv)
}
