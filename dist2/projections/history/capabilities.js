export function strategyOf(c) {
    return c.textIndex ? 'text-index' : 'token-scan';
}
/** Parses "26.7.2.1" into comparable numbers. */
export function versionParts(version) {
    const [major = 0, minor = 0] = version.split('.').map((n) => Number.parseInt(n, 10));
    return [major, minor];
}
export function atLeast(version, major, minor = 0) {
    const [a, b] = versionParts(version);
    return a > major || (a === major && b >= minor);
}
/**
 * Capabilities from the version and the settings the server knows. The text
 * index also needs the exact FINAL mode of skip indexes: without it a search
 * could return a message's pre-edit text.
 */
export function capabilitiesOf(version, settings) {
    return {
        version,
        queryParams: atLeast(version, 19, 14),
        textIndex: (settings.has('enable_full_text_index') || settings.has('allow_experimental_full_text_index')) &&
            settings.has('use_skip_indexes_if_final_exact_mode'),
        dateTime64: atLeast(version, 20, 1),
        lowCardinality: atLeast(version, 19, 0),
        mutationsSync: settings.has('mutations_sync'),
        searchSettings: settings.has('use_top_k_dynamic_filtering') ? { use_top_k_dynamic_filtering: 0 } : {},
        textIndexFlags: ['allow_experimental_full_text_index', 'enable_full_text_index'].filter((s) => settings.has(s)),
    };
}
//# sourceMappingURL=capabilities.js.map