import type { EventLog } from '../../core/log/index.js'

type Ok = (command: unknown) => Promise<unknown>

const say = (id: string, conv: string, actor: string, text: string, thread?: number) => ({
  type: 'message.send',
  id,
  conv,
  actor,
  data: { content: { type: 'text', text }, ...(thread === undefined ? {} : { thread }) },
})

/**
 * Threads between two members of a group, ann and cat: replies, an edit of
 * the last reply, a plain recall, an erasing recall whose event is then
 * erased from the log as the burn-erase reactor would (so a rebuild never
 * sees it), a thread all of whose replies are erased, and a recalled root.
 */
export async function threadWorkload(ok: Ok, log: EventLog, conv: string, ann: string, cat: string): Promise<void> {
  const root = (await log.head(conv)).seq + 1
  await ok(say('t-root', conv, ann, 'root'))
  await ok(say('t-r1', conv, cat, 'first reply', root))
  await ok(say('t-r2', conv, ann, 'second reply', root))
  await ok(say('t-r3', conv, cat, 'third reply', root))
  await ok({ type: 'message.edit', id: 't-e3', conv, actor: cat, data: { target: root + 3, content: { type: 'text', text: 'third, edited' } } })
  await ok({ type: 'message.recall', id: 't-rc1', conv, actor: cat, data: { target: root + 1 } })
  await ok({ type: 'message.recall', id: 't-rc3', conv, actor: cat, data: { target: root + 3, erase: true } })
  const lone = (await log.head(conv)).seq + 1
  await ok(say('t-lone', conv, cat, 'lone root'))
  await ok(say('t-lr', conv, ann, 'the only reply', lone))
  await ok({ type: 'message.recall', id: 't-rclr', conv, actor: ann, data: { target: lone + 1, erase: true } })
  await ok({ type: 'message.recall', id: 't-rcroot', conv, actor: ann, data: { target: root } })
  // Sending marks one's own message read; a rebuild never sees an erased one, so the read position is moved past it by a read.
  await ok({ type: 'conversation.read', id: 't-read', conv, actor: ann, data: { upTo: (await log.head(conv)).seq } })
  // What the burn-erase reactor does with an erasing recall: the events leave the log.
  for (const seq of [root + 3, root + 4, lone + 1]) {
    const [stored] = await log.read(conv, { from: seq, limit: 1 })
    if (stored?.event.seq === seq) await log.erase(conv, stored.streamSeq)
  }
}
