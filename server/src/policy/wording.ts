/**
 * How names read in messages: cut to a bounded length, and after the right
 * article. Every semantic diagnostic passes through `cutNamesIn` (in
 * `DiagnosticSink`), so a 100,000-character name gives a short message.
 */

/** Names in messages are cut after this many characters. */
export const MAX_NAME_IN_MESSAGE = 80;

/** `name`, cut after `MAX_NAME_IN_MESSAGE` characters with an ellipsis. */
export function cutName(name: string, max = MAX_NAME_IN_MESSAGE): string {
  return name.length > max ? `${name.slice(0, max)}…` : name;
}

/** The message with every `quoted` name in it cut (names are quoted in backticks in every message). */
export function cutNamesIn(message: string): string {
  if (message.length <= MAX_NAME_IN_MESSAGE) return message;
  const parts = message.split('`');
  // Odd parts are between a pair of backticks; a last odd part has no closing one.
  for (let i = 1; i < parts.length - 1; i += 2) parts[i] = cutName(parts[i]!);
  return parts.join('`');
}

/**
 * "a" or "an" before `word` as it is read aloud: `an int`, `an unsigned
 * long`, `an off_t`, `a size_t`, `a u64`, `a uid_t`, and for a word read
 * letter by letter, the letter's name: `an fd_set`, `an mqd_t`, `an s32`.
 */
export function article(word: string): 'a' | 'an' {
  const w = word.replace(/^[^a-zA-Z0-9]+/, '').toLowerCase();
  if (/^[aeio]/.test(w)) return 'an';
  // `un` as in "unsigned"; `u` alone, `uid`, `uint`, `union`, `umode` start with "you".
  if (w.startsWith('u')) return /^un(?!i)/.test(w) ? 'an' : 'a';
  // A leading run of consonants without a vowel is spelt out letter by letter.
  const lead = /^[a-z]+/.exec(w)?.[0] ?? '';
  if (lead !== '' && !/[aeiouy]/.test(lead)) return /^[fhlmnrsx]/.test(lead) ? 'an' : 'a';
  if (/^[0-9]/.test(w)) return /^(8|11|18)/.test(w) ? 'an' : 'a';
  return 'a';
}

/** `word` after its article, in backticks: "a `size_t`". */
export function withArticle(word: string): string {
  return `${article(word)} \`${cutName(word)}\``;
}
