/**
 * Splits text into search words the way ClickHouse's `splitByNonAlpha`
 * tokenizer does (ASCII letters and digits, and every non-ASCII character,
 * make words; everything else separates them), lowercased as `lowerUTF8`
 * would. Queries and the token column of servers without a text index use it,
 * so a word found by one strategy is found by the other.
 */
const SEPARATORS = /[\u0000-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u007f]+/;
export function words(text) {
    return text.toLowerCase().split(SEPARATORS).filter((w) => w.length > 0);
}
export function uniqueWords(text) {
    return [...new Set(words(text))];
}
//# sourceMappingURL=words.js.map