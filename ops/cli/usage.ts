/** What `seqline <command> --help` prints: one usage text per command. */
export const COMMAND_USAGE = {
  up: `usage: seqline up [--role all|api|projector|sink]

Starts Seqline: the log, the conversations projection, the burn executor, the
history sink and the API, with the configured servers or the embedded defaults
(a local nats-server and chDB under SEQLINE_DATA_DIR).
  --role <role>      what this process runs (default all, or SEQLINE_ROLE):
                       all        everything below, in one process
                       api        the REST API and WebSocket gateway only; scale it out
                       projector  a fair share of the conversations projection's
                                  partitions (a lease per partition, taken over from a
                                  process that dies), the burn executor and eraser,
                                  retention, erasures, webhooks, bots and push
                       sink       the history sink into ClickHouse
                     A role other than all needs SEQLINE_NATS_URL; api and sink need
                     SEQLINE_CLICKHOUSE_URL. /healthz and /readyz answer on the API
                     port in every role; ready means the role's own work keeps up.`,
  export: `usage: seqline export (--conv <id> | --since <time>) [--until <time>] [--format ndjson|csv] [--out <file>] [--verify]

Writes events for audits, in seq order per conversation.
  --conv <id>        one conversation's events
  --since <time>     every conversation's events from this time (epoch ms, or ISO 8601 with Z or an offset)
  --until <time>     up to this time (with --since)
  --format <f>       ndjson (default) or csv
  --out <file>       write to a file instead of standard output
  --verify           check that seq is dense and the hash chain holds, list the tombstones
                     and print the head hash (exit 1 naming the first bad seq)`,
  verify: `usage: seqline verify <file> [--head <hash>]

Checks an exported NDJSON file offline, with no server (docs/audit.md): every
conversation's seq is dense (erased seqs named by a tombstone) and its hash
chain holds, up to the head line. Exits 1 naming the first bad seq and line.
  --head <hash>      the head hash obtained elsewhere (seqline export --verify
                     prints it): the file must end at exactly that event`,
  replay: `usage: seqline replay --conv <id> [--seq <n>] [--verify]

Prints a conversation's state (members, roles, mutes, ...) as of a seq (default: the head).`,
  rebuild: `usage: seqline rebuild conversations | history

Drops a projection (the views, or the ClickHouse history) and replays the log
into it. Run it with Seqline stopped.`,
  doctor: `usage: seqline doctor

Checks the servers, their versions and capabilities, the streams, the views and
the projection and history lag; exits 1 when a check fails.`,
  bench: `usage: seqline bench [options]

Runs the benchmarks against a fresh local nats-server (see docs/benchmarks.md).
  --only all|append|read|audit|projections|ws|history   (or a comma-separated list)
  --audit-events <n>   events of the conversation the audit benchmark exports and verifies
  --messages <n> --window <n> --deep <n> --partitions <n> --url nats://...
  --clients <n> --ws-rate <r>[,<r>...] --ws-seconds <s> --ws-group <n>`,
} as const

export type Command = keyof typeof COMMAND_USAGE

export const USAGE = `usage: seqline <command> [options]

  up        start Seqline with the configured or embedded servers
  export    events of a conversation or a time range, for audits (--verify checks them)
  verify    check an exported file offline (no server): seq and hash chain
  replay    a conversation's state as of a seq
  rebuild   drop a projection and replay the log into it
  doctor    servers, versions, capabilities, streams, views, projection and history lag
  bench     the benchmarks

seqline <command> --help prints a command's options.
configuration: environment variables SEQLINE_* and an optional JSON file named by SEQLINE_CONFIG (see docs/configuration.md)`

export function isCommand(name: string): name is Command {
  return Object.hasOwn(COMMAND_USAGE, name)
}
