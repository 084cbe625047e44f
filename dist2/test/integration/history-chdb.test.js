import { historyApiSuite } from './history-api-suite.js';
import { historySuite } from './history-suite.js';
historySuite('chdb');
historyApiSuite('chdb');
//# sourceMappingURL=history-chdb.test.js.map