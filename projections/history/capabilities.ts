/** What the ClickHouse behind the history can do; the schema and the search strategy follow from it. */
export interface Capabilities {
  version: string
  /** Server-side query parameters (`{name:Type}`); without them values are inlined as escaped literals. */
  queryParams: boolean
  /** A full-text `text` index with the asciiCJK tokenizer (26.4+); otherwise a word column scanned with hasAll/hasAny. */
  textIndex: boolean
  dateTime64: boolean
  lowCardinality: boolean
  /** `mutations_sync`: an ALTER UPDATE waits for its parts to be rewritten. */
  mutationsSync: boolean
  /** Settings that must be on to create a text index (still flagged on some servers). */
  textIndexFlags: string[]
  /**
   * Settings every search passes: top-k dynamic filtering can drop text-index hits (chDB 26.7), and
   * a search is kept out of query_log, whose rows would keep the search words after a burn.
   */
  searchSettings: Record<string, 0>
  /** MergeTree settings an existing table can be given (ALTER TABLE ... MODIFY SETTING); empty where settings are fixed at CREATE. */
  tableSettings: ReadonlySet<string>
}

/** Parses "26.7.2.1" into comparable numbers. */
function versionParts(version: string): [number, number] {
  const [major = 0, minor = 0] = version.split('.').map((n) => Number.parseInt(n, 10))
  return [major, minor]
}

function atLeast(version: string, major: number, minor = 0): boolean {
  const [a, b] = versionParts(version)
  return a > major || (a === major && b >= minor)
}

/**
 * Capabilities from the version, the settings the server knows (a server that has a text index has a
 * setting for it) and its MergeTree settings.
 */
export function capabilitiesOf(version: string, settings: ReadonlySet<string>, mergeTreeSettings: ReadonlySet<string> = new Set()): Capabilities {
  const textIndexFlags = ['allow_experimental_full_text_index', 'enable_full_text_index'].filter((s) => settings.has(s))
  return {
    version,
    queryParams: atLeast(version, 19, 14),
    textIndex: textIndexFlags.length > 0 && atLeast(version, 26, 4),
    dateTime64: atLeast(version, 20, 1),
    lowCardinality: atLeast(version, 19, 0),
    mutationsSync: settings.has('mutations_sync'),
    searchSettings: { log_queries: 0, ...(settings.has('use_top_k_dynamic_filtering') ? { use_top_k_dynamic_filtering: 0 } : {}) },
    textIndexFlags,
    // MODIFY SETTING arrived in 19.x; 20.1 is the first release it is certain in.
    tableSettings: atLeast(version, 20, 1) ? mergeTreeSettings : new Set(),
  }
}
