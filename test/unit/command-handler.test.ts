import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { errors } from '@nats-io/transport-node'
import { eventIdOf, msgIdOf } from '../../core/commands/ids.js'
import { CommandHandler, ContentionError, LogUnavailableError } from '../../core/commands/index.js'
import { createDecider } from '../../core/domain/index.js'
import { type AppendResult, MemoryLog } from '../../core/log/index.js'
import { accepted, createGroup, range, readAll, seqsAndDuplicates, text } from '../helpers/log.js'

// The command handler over the in-memory log: no server. The log's own behaviour is tested against nats-server (test/integration/event-log.test.ts).

const handlerOn = (log: MemoryLog, maxConflicts?: number) => new CommandHandler(log, createDecider(), { maxConflicts })

/** Records what every append of the log answered. */
function appendsOf(log: MemoryLog): Array<AppendResult['status']> {
  const statuses: Array<AppendResult['status']> = []
  const append = log.append.bind(log)
  log.append = async (...args) => {
    const result = await append(...args)
    statuses.push(result.status)
    return result
  }
  return statuses
}

async function groupLog(): Promise<{ log: MemoryLog; handler: CommandHandler }> {
  const log = new MemoryLog()
  const handler = handlerOn(log)
  await createGroup(handler, 'g_main', 'alice', ['bob', 'carol'])
  return { log, handler }
}

describe('command handler over an in-memory log', () => {
  test('seqs stay dense 1..n with two writers racing on one conversation', async () => {
    const { log, handler } = await groupLog()
    const other = handlerOn(log)
    await Promise.all(range(1, 40).map((i) => accepted(i % 2 ? handler : other, text(`m${i}`, 'g_main', i % 3 ? 'bob' : 'carol'))))
    const { seqs, duplicates } = seqsAndDuplicates(await readAll(log, 'g_main'))
    assert.deepEqual(seqs, range(1, 41))
    assert.deepEqual(duplicates, [])
  })

  test('a retried command id returns the original seq and appends nothing, warm or cold', async () => {
    const { log, handler } = await groupLog()
    const first = await accepted(handler, text('retry-1', 'g_main', 'bob'))
    const head = await log.head('g_main')
    const again = await accepted(handler, text('retry-1', 'g_main', 'bob', 'another body, same id'))
    const cold = await accepted(handlerOn(log), text('retry-1', 'g_main', 'bob'))
    assert.deepEqual([again.seq, again.duplicate, cold.seq, cold.duplicate], [first.seq, true, first.seq, true])
    assert.equal(
      cold.event?.type === 'message.sent' && cold.event.data.content.type === 'text' && cold.event.data.content.text,
      'retry-1',
      'the original event, not the retry',
    )
    assert.deepEqual(await log.head('g_main'), head)
  })

  test('a stale writer retrying a command is answered by the log itself (msg id), with the original event', async () => {
    const { log, handler } = await groupLog()
    const stale = handlerOn(log)
    await stale.state('g_main')
    const fresh = await accepted(handler, text('stale-1', 'g_main', 'bob'))
    const appends = appendsOf(log)
    const retried = await accepted(stale, text('stale-1', 'g_main', 'bob'))
    assert.deepEqual(appends, ['duplicate'])
    assert.deepEqual([retried.seq, retried.duplicate, retried.event?.id], [fresh.seq, true, fresh.event?.id])
  })

  test('an append that loses the race conflicts, and the command is decided again on the new head', async () => {
    const { log, handler } = await groupLog()
    const stale = handlerOn(log)
    await stale.state('g_main')
    await accepted(handler, text('won', 'g_main', 'bob'))
    const appends = appendsOf(log)
    const late = await accepted(stale, text('lost-then-won', 'g_main', 'carol'))
    assert.deepEqual(appends, ['conflict', 'appended'])
    assert.equal(late.seq, 3)
    assert.deepEqual(seqsAndDuplicates(await readAll(log, 'g_main')).seqs, [1, 2, 3])
  })

  test('a writer that keeps losing gives up after maxConflicts rounds', async () => {
    const { log } = await groupLog()
    let appends = 0
    // Every append finds that another writer got there first.
    log.append = async () => {
      appends++
      return { status: 'conflict' }
    }
    await assert.rejects(handlerOn(log, 3).execute(text('never', 'g_main', 'alice')), ContentionError)
    assert.equal(appends, 3)
  })

  test('an append the log cannot confirm is reported as unavailable, and the next command reloads the conversation', async () => {
    const { log, handler } = await groupLog()
    const append = log.append.bind(log)
    log.append = async () => {
      throw new Error('connection lost')
    }
    await assert.rejects(handler.execute(text('unconfirmed', 'g_main', 'bob')), LogUnavailableError)
    log.append = append
    // Another writer appends meanwhile; the forgotten cache means no conflict round is needed.
    await accepted(handlerOn(log), text('meanwhile', 'g_main', 'carol'))
    const appends = appendsOf(log)
    const next = await accepted(handler, text('next', 'g_main', 'bob'))
    assert.deepEqual([next.seq, appends], [3, ['appended']])
  })

  test('a block check nobody answered fails the send as unavailable (retry with its id), and appends nothing', async () => {
    const log = new MemoryLog()
    let answered = true
    const blocks = async () => {
      if (!answered) throw new errors.TimeoutError()
      return false
    }
    const handler = new CommandHandler(log, createDecider(), { blocks })
    await accepted(handler, { type: 'conversation.create-direct', id: 'open', conv: 'd~adam~zoe', actor: 'adam', data: { peer: 'zoe' } })
    answered = false
    await assert.rejects(handler.execute(text('unchecked', 'd~adam~zoe', 'adam')), LogUnavailableError)
    assert.equal((await log.head('d~adam~zoe')).seq, 1)
    answered = true
    assert.equal((await accepted(handler, text('unchecked', 'd~adam~zoe', 'adam'))).seq, 2)
  })

  test('refusals and invalid commands append nothing', async () => {
    const { log, handler } = await groupLog()
    const head = await log.head('g_main')
    const refused = await handler.execute(text('outsider', 'g_main', 'mallory'))
    assert.ok(!refused.ok && refused.reason === 'refused')
    const invalid = await handler.execute({ type: 'message.send', id: 'bad', conv: 'g_main', actor: 'bob', data: {} })
    assert.ok(!invalid.ok && invalid.reason === 'invalid' && invalid.errors.length > 0)
    assert.deepEqual(await log.head('g_main'), head)
  })
})

describe('Event ids', () => {
  test('are the digest they always were: the same command gets the same id across versions', () => {
    // Computed by the earlier createHash('sha256').update(msgId).digest('base64url').slice(0, 22).
    assert.equal(eventIdOf(msgIdOf('g_x', 'ann', 'cmd-1')), 'VArl_rwyXD_EzE84HqkHZc')
  })
})

describe('the wait for a conversation’s turn', () => {
  test('each command handled here reports how long it waited for the ones of its conversation before it', async () => {
    const log = new MemoryLog()
    const waits: number[] = []
    const handler = new CommandHandler(log, createDecider(), { onTurn: (ms) => waits.push(ms) })
    await createGroup(handler, 'g_turns', 'alice', ['bob'])
    waits.length = 0
    // The first command's append is held until released: the second queues behind it all that time.
    const append = log.append.bind(log)
    let reached!: () => void
    const appending = new Promise<void>((r) => (reached = r))
    let release!: () => void
    const released = new Promise<void>((r) => (release = r))
    log.append = async (...args) => {
      reached()
      await released
      return append(...args)
    }
    const first = accepted(handler, text('t1', 'g_turns', 'alice'))
    await appending
    const second = accepted(handler, text('t2', 'g_turns', 'bob'))
    const HELD_MS = 40
    const heldFrom = performance.now()
    await new Promise((r) => setTimeout(r, HELD_MS))
    const held = performance.now() - heldFrom
    release()
    await Promise.all([first, second])
    assert.equal(waits.length, 2)
    assert.ok(waits[0]! < HELD_MS, `the first found its conversation idle: ${waits[0]} ms`)
    assert.ok(waits[1]! >= held, `the second waited the whole hold: ${waits[1]} ms of ${held} ms`)
  })
})
