import { readFileSync } from 'node:fs';
import { Config, CONFIG_DEFAULTS, CONFIG_ENV } from '../schemas/config.js';
import { createAjv } from '../schemas/validator.js';
const INTEGER_KEYS = new Set(['natsPort', 'partitions', 'replicas', 'duplicateWindowMs', 'apiPort', 'bodyLimitBytes', 'rateLimitPerMinute', 'sqlTimeoutSeconds', 'sqlMaxRows']);
export class ConfigError extends Error {
    name = 'ConfigError';
}
const validate = createAjv().compile(Config);
/**
 * Reads and checks the configuration: defaults, then the JSON file named by
 * SEQLINE_CONFIG (keys as in the Config schema), then environment variables.
 * Throws a ConfigError naming every bad value, so nothing starts half-configured.
 */
export function loadConfig(env = process.env) {
    const problems = [];
    const raw = { ...CONFIG_DEFAULTS, ...readFile(env.SEQLINE_CONFIG, problems) };
    for (const [key, name] of Object.entries(CONFIG_ENV)) {
        const value = env[name];
        if (value === undefined || value === '')
            continue;
        if (!INTEGER_KEYS.has(key)) {
            raw[key] = value;
            continue;
        }
        if (!/^\d+$/.test(value))
            problems.push(`${name}=${JSON.stringify(value)}: must be a whole number`);
        else
            raw[key] = Number(value);
    }
    if (problems.length === 0 && !validate(raw)) {
        for (const e of validate.errors ?? []) {
            const key = (e.instancePath.slice(1) || String(e.params.additionalProperty ?? ''));
            const from = env[CONFIG_ENV[key]] !== undefined ? CONFIG_ENV[key] : `${env.SEQLINE_CONFIG ?? 'defaults'}: ${key}`;
            problems.push(`${from}=${JSON.stringify(env[CONFIG_ENV[key]] ?? raw[key])}: ${e.message}`);
        }
    }
    if (problems.length === 0)
        problems.push(...pairingProblems(raw));
    if (problems.length > 0)
        throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
    return raw;
}
function readFile(path, problems) {
    if (!path)
        return {};
    try {
        const parsed = JSON.parse(readFileSync(path, 'utf8'));
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
            return parsed;
        problems.push(`SEQLINE_CONFIG=${path}: must hold a JSON object`);
    }
    catch (err) {
        problems.push(`SEQLINE_CONFIG=${path}: ${err.message}`);
    }
    return {};
}
/** Settings that only make sense together, and ways to authenticate that exclude each other. */
function pairingProblems(c) {
    const problems = [];
    const pair = (a, b) => {
        if (Boolean(c[a]) !== Boolean(c[b]))
            problems.push(`${CONFIG_ENV[a]} and ${CONFIG_ENV[b]} go together: set both or neither`);
    };
    pair('natsUser', 'natsPassword');
    pair('natsCertFile', 'natsKeyFile');
    pair('tlsCertFile', 'tlsKeyFile');
    pair('clickhouseUser', 'clickhousePassword');
    if (!c.clickhouseUrl && c.clickhouseUser)
        problems.push('ClickHouse credentials apply to a configured server: set SEQLINE_CLICKHOUSE_URL');
    const ways = ['natsToken', 'natsUser', 'natsCredsFile'].filter((k) => c[k]);
    if (ways.length > 1)
        problems.push(`${ways.map((k) => CONFIG_ENV[k]).join(', ')}: choose one way to authenticate to NATS`);
    if (!c.natsUrl && (ways.length > 0 || c.natsCaFile || c.natsCertFile)) {
        problems.push('NATS credentials and TLS settings apply to a configured server: set SEQLINE_NATS_URL');
    }
    return problems;
}
//# sourceMappingURL=config.js.map