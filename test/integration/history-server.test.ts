import { historySuite } from './history-suite.js'

historySuite('server')
