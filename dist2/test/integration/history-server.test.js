import { historyApiSuite } from './history-api-suite.js';
import { historySuite } from './history-suite.js';
historySuite('server');
historyApiSuite('server');
//# sourceMappingURL=history-server.test.js.map