import { historyAnalyticsSuite } from './history-analytics-suite.js'
import { historyApiSuite } from './history-api-suite.js'
import { historySuite } from './history-suite.js'

historySuite('chdb')
historyApiSuite('chdb')
historyAnalyticsSuite('chdb')
