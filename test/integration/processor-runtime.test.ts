import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Hub, type LiveTarget } from '../../api/ws/hub.js'
import { Signals } from '../../api/ws/signals.js'
import { until } from '../../core/index.js'
import type { Follower } from '../../core/log/index.js'
import type { Logger, ProcessorRunner, Supervisor } from '../../projections/runtime/index.js'
import type { SeqlineEvent } from '../../schemas/index.js'
import { accepted, createGroup, text, withLogServer } from '../helpers/log.js'

/** Polls a condition with the project's until(), failing with what was awaited. */
function waitFor(condition: () => boolean, ms: number, what: string): Promise<true> {
  return until(() => (condition() ? true : undefined), { timeoutMs: ms, everyMs: 20, timedOut: () => new Error(`${what}: not by the deadline`) })
}

describe('the processor runtime against a real nats-server', () => {
  const t = withLogServer()

  test('live delivery whose following ends unasked is restarted, logged, and resumes where it got: events appended meanwhile still arrive', async () => {
    const said: string[] = []
    const logger: Logger = {
      info: (_o, msg) => void said.push(`info ${msg}`),
      warn: (_o, msg) => void said.push(`warn ${msg}`),
      error: (_o, msg) => void said.push(`error ${msg}`),
    }
    await createGroup(t.handler, 'g_runtime', 'ann', ['ben'])
    const hub = new Hub(t.log, new Signals(t.nc), logger)
    await hub.start()
    t.defer(() => hub.stop())
    const got: SeqlineEvent[] = []
    const ben: LiveTarget = { user: 'ben', live: (event) => void got.push(event), send: () => undefined }
    hub.add(ben)
    hub.index(ben, 'g_runtime', true, 1)
    await accepted(t.handler, text('before', 'g_runtime', 'ann'))
    await waitFor(() => got.length === 1, 5_000, 'the first message live')

    // The follower's consumers close, as they would if the server dropped them for good.
    const runner = (hub as unknown as { source: { supervisor: Supervisor<ProcessorRunner> } }).source.supervisor.current!
    await (runner as unknown as { follower: Follower }).follower.stop()
    const meanwhile = await accepted(t.handler, text('meanwhile', 'g_runtime', 'ann'))
    await waitFor(() => got.some((e) => e.seq === meanwhile.seq), 10_000, 'the message appended while following was down')
    assert.deepEqual(
      got.map((e) => e.seq),
      [2, 3],
      'each once, in order',
    )
    // The restart is logged once the new follower has started, which may be just after it delivered the first event.
    await waitFor(() => said.includes('info processor restarted'), 5_000, 'the restart logged')
    assert.deepEqual(said, ['info processor started', 'error processor failed; restarting it from its last commit', 'info processor restarted'])
  })
})
