import { join, resolve } from 'node:path'
import { HistoryDb } from '../projections/history/index.js'
import type { Config } from '../schemas/index.js'

/** The history store of the configuration: the ClickHouse server it names, or chDB in the data directory. */
export function openHistory(config: Config): Promise<HistoryDb> {
  return HistoryDb.open({
    url: config.clickhouseUrl,
    user: config.clickhouseUser,
    password: config.clickhousePassword,
    database: config.clickhouseDatabase,
    chdbPath: resolve(join(config.dataDir, 'history')),
  })
}

export function describeHistory(db: HistoryDb): string {
  const where = db.backend === 'chdb' ? 'embedded chDB' : 'ClickHouse server'
  return `${where} ${db.caps.version}, database ${db.database}, search by ${db.caps.textIndex ? 'text index' : 'word scan'}`
}
