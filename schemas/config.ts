import Type from 'typebox'

/** Seqline's configuration as read from the environment; every value is checked before anything starts. */
export const Config = Type.Object(
  {
    natsUrl: Type.Optional(
      Type.String({ pattern: '^(nats|tls)://', description: 'SEQLINE_NATS_URL: an existing NATS server; unset starts a local nats-server' }),
    ),
    natsPort: Type.Integer({ minimum: 1, maximum: 65535, description: 'SEQLINE_NATS_PORT: port of the local nats-server' }),
    dataDir: Type.String({ minLength: 1, description: 'SEQLINE_DATA_DIR: where the local nats-server keeps its store' }),
    partitions: Type.Integer({ minimum: 1, maximum: 1024, description: 'SEQLINE_PARTITIONS: partition streams of the log; fixed once the log exists' }),
    replicas: Type.Integer({ minimum: 1, maximum: 5, description: 'SEQLINE_REPLICAS: JetStream replicas of each partition stream' }),
    duplicateWindowMs: Type.Integer({
      minimum: 1000,
      maximum: 24 * 3600 * 1000,
      description: 'SEQLINE_DUPLICATE_WINDOW_MS: how long JetStream remembers a command id',
    }),
  },
  { additionalProperties: false },
)

export type Config = Type.Static<typeof Config>

/** Environment variable of each setting, in the order README documents them. */
export const CONFIG_ENV: Record<keyof Config, string> = {
  natsUrl: 'SEQLINE_NATS_URL',
  natsPort: 'SEQLINE_NATS_PORT',
  dataDir: 'SEQLINE_DATA_DIR',
  partitions: 'SEQLINE_PARTITIONS',
  replicas: 'SEQLINE_REPLICAS',
  duplicateWindowMs: 'SEQLINE_DUPLICATE_WINDOW_MS',
}

export const CONFIG_DEFAULTS: Omit<Config, 'natsUrl'> = {
  natsPort: 4222,
  dataDir: './data',
  partitions: 8,
  replicas: 1,
  duplicateWindowMs: 120_000,
}
