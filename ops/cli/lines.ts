/**
 * Cuts NDJSON bytes, arriving in chunks of any size, into lines without their
 * newlines, each decoded once from the chunk. A line reader, or decoding whole
 * chunks and slicing the text, costs more than hashing the lines.
 */
export class LineSplitter {
  private rest: Buffer | undefined

  constructor(private readonly each: (line: string) => void) {}

  push(chunk: Buffer): void {
    let start = 0
    let end = chunk.indexOf(NEWLINE)
    // Only the line cut by the chunk's edge is copied: joining whole chunks copied every byte once more.
    if (this.rest && end !== -1) {
      this.each(Buffer.concat([this.rest, chunk.subarray(0, end)]).toString('utf8'))
      this.rest = undefined
      start = end + 1
      end = chunk.indexOf(NEWLINE, start)
    }
    for (; end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      this.each(chunk.toString('utf8', start, end))
      start = end + 1
    }
    if (start < chunk.length) this.rest = this.rest ? Buffer.concat([this.rest, chunk]) : Buffer.from(chunk.subarray(start))
  }

  /** The last line, when the bytes did not end with a newline. */
  end(): void {
    if (this.rest) this.each(this.rest.toString('utf8'))
    this.rest = undefined
  }
}

const NEWLINE = 10
