import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import type { Config } from '../schemas/index.js'

export interface Secrets {
  serviceToken: string
  jwtSecret?: string
  /** Where generated secrets are kept, when any were generated. */
  file?: string
}

/**
 * Secrets come from configuration. With the embedded defaults nothing is
 * configured, so the first start generates them into the data directory
 * (readable by the owner only) and later starts read them back.
 */
export async function loadSecrets(config: Config): Promise<Secrets> {
  const verifiesElsewhere = Boolean(config.jwtPublicKey || config.jwtJwksUrl)
  if (config.serviceToken && (config.jwtSecret || verifiesElsewhere)) {
    return { serviceToken: config.serviceToken, ...(config.jwtSecret ? { jwtSecret: config.jwtSecret } : {}) }
  }
  const file = resolve(join(config.dataDir, 'secrets.json'))
  const stored = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as Secrets) : generate()
  if (!existsSync(file)) {
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, JSON.stringify(stored, null, 2), { mode: 0o600 })
  }
  return {
    serviceToken: config.serviceToken ?? stored.serviceToken,
    ...(verifiesElsewhere && !config.jwtSecret ? {} : { jwtSecret: config.jwtSecret ?? stored.jwtSecret }),
    file,
  }
}

function generate(): Secrets {
  return { serviceToken: randomBytes(32).toString('base64url'), jwtSecret: randomBytes(32).toString('base64url') }
}
