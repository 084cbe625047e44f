/**
 * Runs tasks one at a time per key and concurrently across keys: writes to one
 * conversation are serialized in this process, different conversations pipeline.
 * A key with nothing in flight starts its task at once, with no queue at all.
 */
export class KeyedQueue {
  private readonly waiting = new Map<string, Array<() => void>>()

  /** Whether a task of this key runs or waits now. */
  busy(key: string): boolean {
    return this.waiting.has(key)
  }

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const queue = this.waiting.get(key)
    if (queue) await new Promise<void>((go) => queue.push(go))
    else this.waiting.set(key, [])
    try {
      return await task()
    } finally {
      this.next(key)
    }
  }

  private next(key: string): void {
    const queue = this.waiting.get(key)!
    const go = queue.shift()
    if (go) go()
    else this.waiting.delete(key)
  }
}
