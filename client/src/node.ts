import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Store } from './stores.js'

/*
 * The Node-only part of the client: its own entry (`@seqline/client/node`), so
 * that the main entry stays free of Node built-ins for browsers.
 */

/** One JSON value in a file; each save replaces it whole (written beside it, then renamed), so a crash never leaves half a file. */
export class FileStore<T> implements Store<T> {
  constructor(private readonly path: string) {}

  async load(): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as T
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return undefined
      throw err
    }
  }

  async save(value: T): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true })
    const next = `${this.path}.${process.pid}.next`
    await writeFile(next, JSON.stringify(value))
    await rename(next, this.path)
  }
}

export type { Store } from './stores.js'
