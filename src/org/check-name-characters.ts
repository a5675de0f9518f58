/**
 * Names a reviewer reads must be what they look like. A name can pass every other check and still
 * deceive: a Cyrillic `а` in `pаyments-devs` makes a second group that reads like the first; a
 * zero-width space makes two names that print the same; a bidirectional override (U+202E) makes
 * text read in another order than it is (the "Trojan Source" attack). Unicode's security
 * mechanisms (UTS #39, section 5.1, mixed-script detection) single out a string whose letters come
 * from several scripts; here, the scripts whose letters look alike: Latin, Cyrillic and Greek
 * (with Armenian and Cherokee, which have Latin look-alikes too). Such names are warned about,
 * not refused: they may be meant.
 */

/** invisible: they join or separate nothing a reader can see */
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/u;
/** bidirectional marks, embeddings, overrides and isolates */
const BIDIRECTIONAL = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
/** any other control or format character */
const CONTROL = /[\p{Cc}\p{Cf}]/u;

const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;

const CONFUSABLE_SCRIPTS = ['Latin', 'Cyrillic', 'Greek', 'Armenian', 'Cherokee'] as const;
const SCRIPT_PATTERNS = CONFUSABLE_SCRIPTS.map((script) => [script, new RegExp(`\\p{Script=${script}}`, 'u')] as const);

/** `U+0430` */
function codePointLabel(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** the name with its control and invisible characters as `\u{200B}` escapes, so a message shows them */
export function showHiddenCharacters(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`);
}

/** what is deceptive about a name, as the end of a sentence; undefined when nothing is */
export function describeSuspiciousCharacters(name: string): string | undefined {
  // printable ASCII is one script with no hidden character: the common case, checked cheaply
  if (PRINTABLE_ASCII.test(name)) return undefined;
  const problems: string[] = [];
  const first = (pattern: RegExp) => [...name].find((c) => pattern.test(c));
  const invisible = first(INVISIBLE);
  if (invisible !== undefined) problems.push(`has an invisible character (${codePointLabel(invisible)})`);
  const bidirectional = first(BIDIRECTIONAL);
  if (bidirectional !== undefined) problems.push(`has a bidirectional control character (${codePointLabel(bidirectional)}), which changes the order text reads in`);
  const control = [...name].find((c) => CONTROL.test(c) && !INVISIBLE.test(c) && !BIDIRECTIONAL.test(c));
  if (control !== undefined) problems.push(`has a control character (${codePointLabel(control)})`);
  // the scripts of the letters, in order of first appearance
  const scripts = new Map<string, string>();
  for (const c of name) {
    const script = SCRIPT_PATTERNS.find(([, pattern]) => pattern.test(c))?.[0];
    if (script !== undefined && !scripts.has(script)) scripts.set(script, c);
  }
  if (scripts.size > 1) {
    const others = [...scripts].slice(1);
    const list = [...scripts.keys()];
    const shown = others.map(([script, c]) => `${script} \`${c}\` ${codePointLabel(c)}`).join(', ');
    problems.push(`mixes ${list.slice(0, -1).join(', ')} and ${list.at(-1)!} letters (${shown}): it can be mistaken for another name`);
  }
  return problems.length === 0 ? undefined : problems.join('; ');
}
