import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Every file under root (recursively) whose raw bytes contain any of the
 * needles, with the needles it holds. Files that vanish while being read
 * (a server removing parts) are skipped: they hold nothing any more.
 */
export async function filesHolding(root: string, needles: string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>()
  const bytes = needles.map((n) => Buffer.from(n, 'utf8'))
  for (const file of await filesUnder(root)) {
    const content = await readFile(file).catch(gone)
    if (!content) continue
    const held = needles.filter((_, i) => content.includes(bytes[i]!))
    if (held.length > 0) found.set(file, held)
  }
  return found
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(gone)
  if (!entries) return []
  const files: string[] = []
  for (const e of entries) {
    const path = join(dir, e.name)
    if (e.isDirectory()) files.push(...(await filesUnder(path)))
    else if (e.isFile()) files.push(path)
  }
  return files
}

function gone(err: NodeJS.ErrnoException): null {
  if (err.code === 'ENOENT') return null
  throw err
}
