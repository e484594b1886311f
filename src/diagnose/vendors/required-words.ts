// Words a vendor pattern cannot match without: for each top-level alternative of the
// pattern, its longest run of literal characters that every match contains. A text
// holding none of them cannot match, so the pattern need not be run (nor compiled: V8
// compiles a pattern the first time it runs, and the tables hold over a hundred).
//
// Only the plain and the case-insensitive (`i`) flags are read, and only ASCII runs kept:
// without the `u` flag a case-insensitive pattern matches an ASCII letter only with the
// same letter in either case (ECMA-262 Canonicalize keeps non-ASCII characters apart
// from ASCII ones), so a match's text, lowercased, contains the lowercased run. Anything
// the reader below does not understand ends a run; a pattern with an alternative that has
// no run of MIN_WORD characters gets no words and is always run.

/** Shorter runs would let nearly every text through. */
const MIN_WORD = 3;


export interface RequiredWords {
  /** Lowercased when the pattern ignores case. */
  words: readonly string[];
  ignoreCase: boolean;
}

/** The pattern's top-level alternatives (split at `|` outside groups and classes). */
function alternatives(source: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(source.slice(start, i));
      start = i + 1;
    }
  }
  out.push(source.slice(start));
  return out;
}

/** Index just past the group or class that opens at `i`. */
function skipBracketed(alt: string, i: number): number {
  let depth = 0;
  let inClass = false;
  for (let j = i; j < alt.length; j++) {
    const c = alt[j];
    if (c === '\\') j++;
    else if (inClass) {
      if (c === ']') {
        inClass = false;
        if (depth === 0) return j + 1;
      }
    } else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j + 1;
  }
  return alt.length;
}

// Character codes (this runs over every row's pattern once per process, unoptimized).
const BACKSLASH = 92;
const OPEN_GROUP = 40;
const OPEN_CLASS = 91;
const OPEN_BRACE = 123;
/** . ^ $ | ) ] * + ? { } */
const SPECIAL = new Set([46, 94, 36, 124, 41, 93, 42, 43, 63, 123, 125]);
/** * + ? { */
const QUANTIFIER = new Set([42, 43, 63, 123]);
/** d D w W s S b B n r t f v: a class, a boundary or a control character. */
const RUN_ENDING_ESCAPE = new Set([100, 68, 119, 87, 115, 83, 98, 66, 110, 114, 116, 102, 118]);

function isAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** The longest run of characters every match of this alternative contains, in order. */
function longestRun(alt: string): string {
  let best = '';
  let run = '';
  const end = (): void => {
    if (run.length > best.length) best = run;
    run = '';
  };
  let i = 0;
  while (i < alt.length) {
    const c = alt.charCodeAt(i);
    let literal = -1;
    let next = i + 1;
    if (c === BACKSLASH) {
      const escaped = alt.charCodeAt(i + 1);
      if (escaped >= 32 && escaped <= 126 && !isAlphanumeric(escaped)) literal = escaped;
      // A class (\d, \w, \s) or a boundary (\b) ends a run; escapes with a payload (\x41, \u0041, \1, \k<n>) are not read at all.
      else if (!RUN_ENDING_ESCAPE.has(escaped)) return '';
      next = i + 2;
    } else if (c === OPEN_GROUP || c === OPEN_CLASS) {
      next = skipBracketed(alt, i);
    } else if (c === OPEN_BRACE) {
      const close = alt.indexOf('}', i);
      next = close === -1 ? alt.length : close + 1;
    } else if (c >= 32 && c <= 126 && !SPECIAL.has(c)) {
      literal = c;
    }
    // A quantified atom may be absent or repeated: it ends the run and is not part of one.
    const quantified = next < alt.length && QUANTIFIER.has(alt.charCodeAt(next));
    if (literal === -1 || quantified) end();
    else run += String.fromCharCode(literal);
    i = next;
  }
  end();
  return best;
}

/** The pattern's required words, or undefined when it must always be run. */
export function requiredWords(pattern: RegExp): RequiredWords | undefined {
  if (pattern.flags !== '' && pattern.flags !== 'i') return undefined;
  const ignoreCase = pattern.flags === 'i';
  const words: string[] = [];
  for (const alt of alternatives(pattern.source)) {
    const run = longestRun(alt);
    if (run.length < MIN_WORD) return undefined;
    words.push(ignoreCase ? run.toLowerCase() : run);
  }
  return { words, ignoreCase };
}

/** False only when the text cannot match (`lower` is the text lowercased, for `i` patterns). */
export function mayMatch(required: RequiredWords | undefined, text: string, lower: string): boolean {
  if (required === undefined) return true;
  const haystack = required.ignoreCase ? lower : text;
  for (const word of required.words) if (haystack.includes(word)) return true;
  return false;
}
