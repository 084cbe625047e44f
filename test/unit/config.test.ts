import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConfigError, loadConfig } from '../../ops/config.js'
import { CONFIG_DEFAULTS, CONFIG_ENV, Config } from '../../schemas/index.js'

const refused = (env: Record<string, string>, pattern: RegExp) =>
  assert.throws(
    () => loadConfig(env),
    (err: unknown) => err instanceof ConfigError && pattern.test(err.message),
  )

describe('configuration', () => {
  test('defaults need nothing set', () => {
    const c = loadConfig({})
    assert.deepEqual([c.partitions, c.replicas, c.apiPort, c.natsUrl], [8, 1, 8080, undefined])
  })

  test('every bad value is named with the variable', () => {
    refused({ SEQLINE_PARTITIONS: '0' }, /SEQLINE_PARTITIONS="0": must be >= 1/)
    refused({ SEQLINE_API_PORT: '70000' }, /SEQLINE_API_PORT="70000"/)
    refused({ SEQLINE_NATS_URL: 'http://x' }, /SEQLINE_NATS_URL="http:\/\/x"/)
    refused({ SEQLINE_SERVICE_TOKEN: 'short' }, /SEQLINE_SERVICE_TOKEN/)
    refused({ SEQLINE_NATS_URL: 'nats://a:4222,http://b:4222' }, /SEQLINE_NATS_URL=/)
  })

  test('every whole-number setting is read from its variable, and refuses what is not a whole number', () => {
    const integers = Object.entries(Config.properties).filter(([, schema]) => (schema as { type?: string }).type === 'integer')
    assert.ok(integers.length >= 14)
    for (const [key] of integers) {
      const name = CONFIG_ENV[key as keyof Config]
      const fallback = CONFIG_DEFAULTS[key as keyof typeof CONFIG_DEFAULTS] as number | undefined
      // The default itself, written as the variable: valid for every setting, whatever its bounds.
      const value = String(fallback ?? 1)
      assert.equal(loadConfig({ [name]: value })[key as keyof Config], Number(value), name)
      refused({ [name]: '12x' }, new RegExp(`${name}="12x": must be a whole number`))
    }
    assert.equal(loadConfig({ SEQLINE_VIEWS_COMMIT_MS: '1500', SEQLINE_HISTORY_COMMIT_MS: '2000' }).viewsCommitMs, 1500)
    assert.equal(loadConfig({ SEQLINE_MAX_GROUP_MEMBERS: '500' }).maxGroupMembers, 500)
  })

  test('the log level: info by default, one of the levels, the variable named when not', () => {
    assert.equal(loadConfig({}).logLevel, 'info')
    assert.equal(loadConfig({ SEQLINE_LOG_LEVEL: 'silent' }).logLevel, 'silent')
    refused({ SEQLINE_LOG_LEVEL: 'loud' }, /SEQLINE_LOG_LEVEL="loud"/)
  })

  test('a cluster is named by the comma-separated URLs of its nodes', () => {
    const urls = 'nats://n1:4222,nats://n2:4222, tls://n3:4222'
    assert.equal(loadConfig({ SEQLINE_NATS_URL: urls }).natsUrl, urls)
  })

  test('settings that go together, and ways to authenticate that exclude each other', () => {
    refused({ SEQLINE_TLS_CERT: '/c.pem' }, /SEQLINE_TLS_CERT and SEQLINE_TLS_KEY go together/)
    refused({ SEQLINE_NATS_URL: 'nats://h:4222', SEQLINE_NATS_USER: 'u' }, /SEQLINE_NATS_USER and SEQLINE_NATS_PASSWORD go together/)
    refused({ SEQLINE_NATS_URL: 'nats://h:4222', SEQLINE_NATS_TOKEN: 't', SEQLINE_NATS_CREDS: '/x.creds' }, /choose one way to authenticate/)
    refused({ SEQLINE_NATS_TOKEN: 't' }, /set SEQLINE_NATS_URL/)
  })

  test('history settings: a server URL, credentials only with it, a plain database name, numeric limits', () => {
    assert.equal(loadConfig({}).clickhouseDatabase, 'seqline')
    assert.equal(loadConfig({ SEQLINE_CLICKHOUSE_URL: 'http://ch:8123' }).clickhouseUrl, 'http://ch:8123')
    refused({ SEQLINE_CLICKHOUSE_URL: 'tcp://ch:9000' }, /SEQLINE_CLICKHOUSE_URL="tcp:\/\/ch:9000"/)
    refused({ SEQLINE_CLICKHOUSE_DATABASE: 'seq; DROP' }, /SEQLINE_CLICKHOUSE_DATABASE="seq; DROP"/)
    refused({ SEQLINE_CLICKHOUSE_URL: 'http://ch:8123', SEQLINE_CLICKHOUSE_USER: 'u' }, /SEQLINE_CLICKHOUSE_USER and SEQLINE_CLICKHOUSE_PASSWORD go together/)
    refused({ SEQLINE_CLICKHOUSE_USER: 'u', SEQLINE_CLICKHOUSE_PASSWORD: 'p' }, /set SEQLINE_CLICKHOUSE_URL/)
    refused({ SEQLINE_SQL_MAX_ROWS: 'many' }, /SEQLINE_SQL_MAX_ROWS="many": must be a whole number/)
    refused({ SEQLINE_SQL_TIMEOUT_SECONDS: '0' }, /SEQLINE_SQL_TIMEOUT_SECONDS="0"/)
  })

  test('trusted proxies are addresses or CIDRs', () => {
    assert.equal(loadConfig({ SEQLINE_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1' }).trustProxy, '10.0.0.0/8, 127.0.0.1,::1')
    refused({ SEQLINE_TRUST_PROXY: 'true' }, /SEQLINE_TRUST_PROXY="true"/)
  })

  test('CORS origins are exact scheme://host[:port], with no path', () => {
    const list = 'https://app.example.com, http://localhost:5173,http://[::1]:8080,http://10.0.0.7'
    assert.equal(loadConfig({ SEQLINE_CORS_ORIGINS: list }).corsOrigins, list)
    refused({ SEQLINE_CORS_ORIGINS: 'https://app.example.com/' }, /SEQLINE_CORS_ORIGINS: "https:\/\/app.example.com\/" is not an origin/)
    refused(
      { SEQLINE_CORS_ORIGINS: 'http://localhost:5173,https://app.example.com/chat' },
      /SEQLINE_CORS_ORIGINS: "https:\/\/app.example.com\/chat" is not an origin/,
    )
    refused({ SEQLINE_CORS_ORIGINS: '*' }, /SEQLINE_CORS_ORIGINS: "\*" is not an origin/)
    refused({ SEQLINE_CORS_ORIGINS: 'app.example.com' }, /SEQLINE_CORS_ORIGINS: "app.example.com" is not an origin/)
    refused({ SEQLINE_CORS_ORIGINS: 'ftp://app.example.com' }, /"ftp:\/\/app.example.com" is not an origin/)
    refused({ SEQLINE_CORS_ORIGINS: 'http://localhost:5173,' }, /SEQLINE_CORS_ORIGINS: "" is not an origin/)
  })
})
