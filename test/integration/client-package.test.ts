import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { SeqlineClient, type SeqlineEvent } from '../../client/src/index.js'
import { until } from '../../core/index.js'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { withLogServer } from '../helpers/log.js'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../../', import.meta.url))
const clientDir = join(root, 'client')
const tsc = join(root, 'node_modules/typescript/bin/tsc')

/** The specifiers a built module imports: import/export statements and dynamic imports, comments aside. */
function importsOf(code: string): string[] {
  const bare = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  const statements = [...bare.matchAll(/^\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/gm), ...bare.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)]
  const dynamic = [...bare.matchAll(/\bimport\(\s*['"]([^'"]+)['"]/g)]
  return [...statements, ...dynamic].map((m) => m[1]!)
}

/** A program of a new project, type-checked against the installed package only (no Node types: as in a browser project). */
const PROGRAM = `import { SeqlineClient, type SeqlineEvent, type Store, MemoryStore } from '@seqline/client'
import { SeqlineAdmin } from '@seqline/client/admin'

const client = new SeqlineClient({ url: 'http://127.0.0.1:8080', token: 't' })
const live = client.connect({ latest: 20, positions: new MemoryStore<Record<string, number>>() })
live.on('event', (e: SeqlineEvent) => {
  if (e.type === 'message.sent' && e.data.content.type === 'text') console.log(e.data.content.text.toUpperCase())
})
const store: Store<Record<string, number>> = new MemoryStore()
const admin = new SeqlineAdmin({ url: 'http://127.0.0.1:8080', token: 's' })
export const calls = [client.search('roadmap', { mode: 'phrase' }), client.sync(), admin.messagesPerDay({ tz: 'Asia/Shanghai' }), store.load()]
// @ts-expect-error: a command type the API does not have
void live.sendCommand({ type: 'message.shout', conv: 'g_x', data: {} })
`

describe('@seqline/client as a package: packed, installed into a new project, type-checked, run', () => {
  const t = withLogServer()
  let s: ApiStack
  let project: string

  before(async () => {
    s = await startApiStack(t, 'client_package')
    project = await mkdtemp(join(tmpdir(), 'seqline-newproject-'))
    t.defer(async () => {
      await s.stop()
      await rm(project, { recursive: true, force: true })
    })
  })

  test('the entries for browsers import nothing but their own files: no Node built-ins, no dependencies', async () => {
    const pkg = JSON.parse(await readFile(join(clientDir, 'package.json'), 'utf8'))
    assert.deepEqual([pkg.dependencies, pkg.peerDependencies], [undefined, undefined])
    const seen = new Set<string>()
    const visit = async (file: string): Promise<void> => {
      if (seen.has(file)) return
      seen.add(file)
      for (const spec of importsOf(await readFile(join(clientDir, 'dist', file), 'utf8'))) {
        assert.ok(spec.startsWith('./'), `${file} imports ${spec}`)
        await visit(spec.slice(2))
      }
    }
    await visit('index.js')
    await visit('admin.js')
    assert.ok(seen.size >= 8, `walked ${[...seen].join(', ')}`)
    assert.ok(!seen.has('node.js'), 'the Node-only file stays out of the browser entries')
  })

  test('npm pack gives a tarball that a new project installs offline and type-checks against', async () => {
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', project], { cwd: clientDir })
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>
    assert.ok(packed)
    const files = packed.files.map((f) => f.path)
    assert.ok(files.includes('dist/index.d.ts') && files.includes('dist/admin.d.ts') && files.includes('dist/node.js'), files.join(' '))
    assert.ok(!files.some((f) => f.startsWith('src/')), 'sources stay out')

    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'new-project', private: true, type: 'module' }))
    await run('npm', ['install', join(project, packed.filename), '--offline', '--no-audit', '--no-fund'], { cwd: project })
    assert.deepEqual(await readdir(join(project, 'node_modules')).then((names) => names.filter((n) => !n.startsWith('.'))), ['@seqline'])

    const config = {
      compilerOptions: { target: 'ES2022', module: 'NodeNext', strict: true, noEmit: true, lib: ['ES2022', 'DOM'], types: [] },
      include: ['check.ts'],
    }
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify(config))
    await writeFile(join(project, 'check.ts'), PROGRAM)
    await run(process.execPath, [tsc, '-p', project], { cwd: project }).catch((err: { stdout?: string }) => assert.fail(`tsc: ${err.stdout}`))
    // The check is real: a wrong field fails it.
    await writeFile(join(project, 'check.ts'), PROGRAM.replace('e.data.content.text', 'e.data.content.txt'))
    await assert.rejects(run(process.execPath, [tsc, '-p', project], { cwd: project }), (err: { stdout?: string }) => /'txt'/.test(err.stdout ?? ''))
  })

  test('the Node bot example, run from the installed package, answers a user', async () => {
    await cp(join(root, 'examples/node-bot/bot.mjs'), join(project, 'bot.mjs'))
    const bot = spawn(process.execPath, ['--experimental-websocket', 'bot.mjs'], {
      cwd: project,
      env: { ...process.env, SEQLINE_URL: s.url, SEQLINE_SERVICE_TOKEN: s.serviceToken, BOT_USER: 'helpbot', BOT_STATE: join(project, 'state') },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    bot.stdout.on('data', (d) => (output += d))
    bot.stderr.on('data', (d) => (output += d))
    t.defer(() => void bot.kill())
    const online = () => (output.includes('helpbot is online') ? true : undefined)
    await until(online, { timeoutMs: 15_000, everyMs: 50, timedOut: () => new Error(`the bot did not start: ${output}`) })

    const alice = new SeqlineClient({ url: s.url, token: await s.token('alice') })
    const { conv } = await alice.openDirect('helpbot')
    const asked = await alice.text(conv, 'ping')
    const reply = (events: SeqlineEvent[]) => events.find((e) => e.type === 'message.sent' && e.actor === 'helpbot')
    const answer = await until(async () => reply(await alice.events(conv, { from: 1, limit: 100 })), {
      timeoutMs: 10_000,
      everyMs: 50,
      timedOut: () => new Error(`no answer from the bot: ${output}`),
    })
    assert.ok(answer.type === 'message.sent')
    assert.deepEqual([answer.data.content, answer.data.replyTo], [{ type: 'text', text: 'pong' }, asked.seq])
    bot.kill('SIGTERM')
    await new Promise((resolve) => bot.once('exit', resolve))
    const saved = JSON.parse(await readFile(join(project, 'state/positions.json'), 'utf8'))
    assert.ok(saved[conv] >= answer.seq, `the bot saved its position: ${JSON.stringify(saved)}`)
  })
})
