import Type from 'typebox'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** What one Seqline process runs (see docs/operations.md, "Roles"). */
export const ROLES = ['all', 'api', 'projector', 'sink'] as const
export type Role = (typeof ROLES)[number]

/** Where an API process's live events come from (see docs/performance.md, "Live delivery by interest"). */
const LIVE_DELIVERIES = ['log', 'interest'] as const
export type LiveDelivery = (typeof LIVE_DELIVERIES)[number]

/** One origin as a browser sends it: scheme, host (a name, IPv4, or [IPv6]) and an optional port; no path, not even "/". */
export const ORIGIN = 'https?://(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:[0-9]{1,5})?'

/** Seqline's configuration as read from the environment; every value is checked before anything starts. */
export const Config = Type.Object(
  {
    natsUrl: Type.Optional(
      Type.String({
        pattern: '^(nats|tls)://[^,\\s]+(\\s*,\\s*(nats|tls)://[^,\\s]+)*$',
        description: 'SEQLINE_NATS_URL: an existing NATS server, or comma-separated URLs of the nodes of a cluster; unset starts a local nats-server',
      }),
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
    apiHost: Type.String({ minLength: 1, description: 'SEQLINE_API_HOST: address the API listens on' }),
    apiPort: Type.Integer({ minimum: 0, maximum: 65535, description: 'SEQLINE_API_PORT: port of the REST and WebSocket API (0: any free port)' }),
    serviceToken: Type.Optional(Type.String({ minLength: 24, description: "SEQLINE_SERVICE_TOKEN: the platform backend's credential for admin endpoints" })),
    jwtSecret: Type.Optional(Type.String({ minLength: 32, description: 'SEQLINE_JWT_SECRET: HS256 secret that signs user tokens' })),
    jwtPublicKey: Type.Optional(
      Type.String({ pattern: '-----BEGIN PUBLIC KEY-----', description: 'SEQLINE_JWT_PUBLIC_KEY: PEM key that verifies RS256/ES256 user tokens' }),
    ),
    jwtJwksUrl: Type.Optional(Type.String({ pattern: '^https?://', description: 'SEQLINE_JWT_JWKS_URL: JWKS endpoint that verifies user tokens' })),
    jwtIssuer: Type.Optional(Type.String({ minLength: 1, description: 'SEQLINE_JWT_ISSUER: required iss claim of user tokens' })),
    jwtAudience: Type.Optional(Type.String({ minLength: 1, description: 'SEQLINE_JWT_AUDIENCE: required aud claim of user tokens' })),
    natsToken: Type.Optional(Type.String({ minLength: 1, description: 'SEQLINE_NATS_TOKEN: token for the NATS server' })),
    natsUser: Type.Optional(Type.String({ minLength: 1, description: 'SEQLINE_NATS_USER: user for the NATS server (with SEQLINE_NATS_PASSWORD)' })),
    natsPassword: Type.Optional(Type.String({ minLength: 1, description: 'SEQLINE_NATS_PASSWORD: password of SEQLINE_NATS_USER' })),
    natsCredsFile: Type.Optional(Type.String({ minLength: 1, description: 'SEQLINE_NATS_CREDS: NATS credentials file (JWT and NKey seed)' })),
    natsCaFile: Type.Optional(Type.String({ minLength: 1, description: 'SEQLINE_NATS_CA: CA certificate that verifies the NATS server (turns TLS on)' })),
    natsCertFile: Type.Optional(Type.String({ minLength: 1, description: 'SEQLINE_NATS_CERT: client certificate for NATS (with SEQLINE_NATS_KEY)' })),
    natsKeyFile: Type.Optional(Type.String({ minLength: 1, description: 'SEQLINE_NATS_KEY: key of SEQLINE_NATS_CERT' })),
    tlsCertFile: Type.Optional(
      Type.String({ minLength: 1, description: 'SEQLINE_TLS_CERT: certificate that makes the API serve HTTPS/WSS (with SEQLINE_TLS_KEY)' }),
    ),
    tlsKeyFile: Type.Optional(Type.String({ minLength: 1, description: 'SEQLINE_TLS_KEY: key of SEQLINE_TLS_CERT' })),
    bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 16 * 1024 * 1024, description: 'SEQLINE_BODY_LIMIT_BYTES: largest request body' }),
    rateLimitPerMinute: Type.Integer({ minimum: 1, description: 'SEQLINE_RATE_LIMIT_PER_MINUTE: requests per user (or per IP before login) and minute' }),
    trustProxy: Type.Optional(
      Type.String({
        pattern: '^[0-9A-Fa-f.:/]+(,\\s*[0-9A-Fa-f.:/]+)*$',
        description: 'SEQLINE_TRUST_PROXY: addresses or CIDRs of proxies whose X-Forwarded-For names the client (comma-separated)',
      }),
    ),
    corsOrigins: Type.Optional(
      Type.String({
        pattern: `^${ORIGIN}(\\s*,\\s*${ORIGIN})*$`,
        description:
          'SEQLINE_CORS_ORIGINS: origins (scheme://host[:port], comma-separated) whose pages may call the API and open its WebSocket; unset allows none',
      }),
    ),
    clickhouseUrl: Type.Optional(
      Type.String({
        pattern: '^https?://',
        description: 'SEQLINE_CLICKHOUSE_URL: a ClickHouse server for history; unset uses embedded chDB in the data directory',
      }),
    ),
    clickhouseUser: Type.Optional(Type.String({ minLength: 1, description: 'SEQLINE_CLICKHOUSE_USER: ClickHouse user (with SEQLINE_CLICKHOUSE_PASSWORD)' })),
    clickhousePassword: Type.Optional(Type.String({ minLength: 1, description: 'SEQLINE_CLICKHOUSE_PASSWORD: password of SEQLINE_CLICKHOUSE_USER' })),
    clickhouseDatabase: Type.String({
      pattern: '^[A-Za-z_][A-Za-z0-9_]{0,62}$',
      description: 'SEQLINE_CLICKHOUSE_DATABASE: database that holds the history tables',
    }),
    sqlTimeoutSeconds: Type.Integer({ minimum: 1, maximum: 3600, description: 'SEQLINE_SQL_TIMEOUT_SECONDS: longest analyst SQL query' }),
    sqlMaxRows: Type.Integer({ minimum: 1, maximum: 10_000_000, description: 'SEQLINE_SQL_MAX_ROWS: most rows an analyst SQL query returns' }),
    sqlMaxMemoryMb: Type.Integer({
      minimum: 16,
      maximum: 1_048_576,
      description: 'SEQLINE_SQL_MAX_MEMORY_MB: most memory one analyst SQL query may use, in MiB',
    }),
    retentionIntervalSeconds: Type.Integer({
      minimum: 1,
      maximum: 86_400,
      description: 'SEQLINE_RETENTION_INTERVAL_SECONDS: how often retention policies are applied (content outlives its policy by at most this long)',
    }),
    viewsCommitMs: Type.Integer({
      minimum: 10,
      maximum: 4000,
      description:
        'SEQLINE_VIEWS_COMMIT_MS: how long the conversations projection gathers events before it commits them to the views while events come fast (100 ms otherwise; a WebSocket session that waits for the views asks for a commit within 100 ms)',
    }),
    historyCommitMs: Type.Integer({
      minimum: 10,
      maximum: 4000,
      description:
        'SEQLINE_HISTORY_COMMIT_MS: how long the history sink gathers events before it inserts them (search and analytics trail the log by about this much)',
    }),
    role: Type.Unsafe<Role>({
      type: 'string',
      enum: [...ROLES],
      description: `SEQLINE_ROLE: what this process runs, one of ${ROLES.join(', ')} (seqline up --role overrides it)`,
    }),
    liveDelivery: Type.Unsafe<LiveDelivery>({
      type: 'string',
      enum: [...LIVE_DELIVERIES],
      description:
        "SEQLINE_LIVE_DELIVERY: log (the API process follows the whole log) or interest (it subscribes to its sockets' conversations only, from the copies every stream or writer sends); each process chooses alone",
    }),
    logLevel: Type.Unsafe<LogLevel>({
      type: 'string',
      enum: [...LOG_LEVELS],
      description: `SEQLINE_LOG_LEVEL: level of the JSON log on stdout, one of ${LOG_LEVELS.join(', ')} (every 5xx is logged at error)`,
    }),
    maxGroupMembers: Type.Integer({ minimum: 2, maximum: 1_000_000, description: 'SEQLINE_MAX_GROUP_MEMBERS: most members of a group (GROUP_FULL beyond)' }),
    maxChannelMembers: Type.Integer({
      minimum: 2,
      maximum: 1_000_000,
      description: 'SEQLINE_MAX_CHANNEL_MEMBERS: most subscribers (owner and admins included) of a channel (GROUP_FULL beyond)',
    }),
  },
  { additionalProperties: false },
)

export type Config = Type.Static<typeof Config>

/** Environment variable of each setting, in the order docs/configuration.md documents them. */
export const CONFIG_ENV: Record<keyof Config, string> = {
  natsUrl: 'SEQLINE_NATS_URL',
  natsPort: 'SEQLINE_NATS_PORT',
  dataDir: 'SEQLINE_DATA_DIR',
  partitions: 'SEQLINE_PARTITIONS',
  replicas: 'SEQLINE_REPLICAS',
  duplicateWindowMs: 'SEQLINE_DUPLICATE_WINDOW_MS',
  apiHost: 'SEQLINE_API_HOST',
  apiPort: 'SEQLINE_API_PORT',
  serviceToken: 'SEQLINE_SERVICE_TOKEN',
  jwtSecret: 'SEQLINE_JWT_SECRET',
  jwtPublicKey: 'SEQLINE_JWT_PUBLIC_KEY',
  jwtJwksUrl: 'SEQLINE_JWT_JWKS_URL',
  jwtIssuer: 'SEQLINE_JWT_ISSUER',
  jwtAudience: 'SEQLINE_JWT_AUDIENCE',
  natsToken: 'SEQLINE_NATS_TOKEN',
  natsUser: 'SEQLINE_NATS_USER',
  natsPassword: 'SEQLINE_NATS_PASSWORD',
  natsCredsFile: 'SEQLINE_NATS_CREDS',
  natsCaFile: 'SEQLINE_NATS_CA',
  natsCertFile: 'SEQLINE_NATS_CERT',
  natsKeyFile: 'SEQLINE_NATS_KEY',
  tlsCertFile: 'SEQLINE_TLS_CERT',
  tlsKeyFile: 'SEQLINE_TLS_KEY',
  bodyLimitBytes: 'SEQLINE_BODY_LIMIT_BYTES',
  rateLimitPerMinute: 'SEQLINE_RATE_LIMIT_PER_MINUTE',
  trustProxy: 'SEQLINE_TRUST_PROXY',
  corsOrigins: 'SEQLINE_CORS_ORIGINS',
  clickhouseUrl: 'SEQLINE_CLICKHOUSE_URL',
  clickhouseUser: 'SEQLINE_CLICKHOUSE_USER',
  clickhousePassword: 'SEQLINE_CLICKHOUSE_PASSWORD',
  clickhouseDatabase: 'SEQLINE_CLICKHOUSE_DATABASE',
  sqlTimeoutSeconds: 'SEQLINE_SQL_TIMEOUT_SECONDS',
  sqlMaxRows: 'SEQLINE_SQL_MAX_ROWS',
  sqlMaxMemoryMb: 'SEQLINE_SQL_MAX_MEMORY_MB',
  retentionIntervalSeconds: 'SEQLINE_RETENTION_INTERVAL_SECONDS',
  viewsCommitMs: 'SEQLINE_VIEWS_COMMIT_MS',
  historyCommitMs: 'SEQLINE_HISTORY_COMMIT_MS',
  role: 'SEQLINE_ROLE',
  liveDelivery: 'SEQLINE_LIVE_DELIVERY',
  logLevel: 'SEQLINE_LOG_LEVEL',
  maxGroupMembers: 'SEQLINE_MAX_GROUP_MEMBERS',
  maxChannelMembers: 'SEQLINE_MAX_CHANNEL_MEMBERS',
}

type Optional =
  | 'natsUrl'
  | 'serviceToken'
  | 'jwtSecret'
  | 'jwtPublicKey'
  | 'jwtJwksUrl'
  | 'jwtIssuer'
  | 'jwtAudience'
  | 'natsToken'
  | 'natsUser'
  | 'natsPassword'
  | 'natsCredsFile'
  | 'natsCaFile'
  | 'natsCertFile'
  | 'natsKeyFile'
  | 'tlsCertFile'
  | 'tlsKeyFile'
  | 'clickhouseUrl'
  | 'trustProxy'
  | 'corsOrigins'
  | 'clickhouseUser'
  | 'clickhousePassword'

export const CONFIG_DEFAULTS: Omit<Config, Optional> = {
  natsPort: 4222,
  dataDir: './data',
  partitions: 8,
  replicas: 1,
  duplicateWindowMs: 120_000,
  apiHost: '127.0.0.1',
  apiPort: 8080,
  bodyLimitBytes: 256 * 1024,
  rateLimitPerMinute: 6000,
  clickhouseDatabase: 'seqline',
  sqlTimeoutSeconds: 30,
  sqlMaxRows: 100_000,
  sqlMaxMemoryMb: 1024,
  retentionIntervalSeconds: 600,
  viewsCommitMs: 500,
  historyCommitMs: 1000,
  role: 'all',
  liveDelivery: 'log',
  logLevel: 'info',
  maxGroupMembers: 100_000,
  maxChannelMembers: 100_000,
}
