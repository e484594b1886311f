// The text of an HTML page a server answered with, for matching its wording. Linear in the
// page's length whatever it holds: the patterns these replace (<[^>]*>, and a script block
// found by a lazy scan to its end tag) were tried at every "<" and each scanned to the end
// of the page when no ">" (or no end tag) followed, so 10 000 "<a" took seconds (quadratic).

/** Every tag (from "<" to the next ">", never across another "<") replaced by a space. */
export function withoutTags(html: string): string {
  return html.replace(/<[^<>]*>/g, ' ');
}

const OPENING = /<(script|style)[^<>]*>/gi;

/** <script> and <style> elements, content included, replaced by a space; one without its end tag is left for withoutTags. */
export function withoutScripts(html: string): string {
  let out = '';
  let from = 0;
  // A name with no end tag after some point has none after any later point either.
  const unclosed = new Set<string>();
  const opening = new RegExp(OPENING);
  for (let m = opening.exec(html); m !== null; m = opening.exec(html)) {
    const name = (m[1] ?? '').toLowerCase();
    if (unclosed.has(name)) continue;
    const closing = new RegExp(`</${name}>`, 'gi');
    closing.lastIndex = m.index + m[0].length;
    const end = closing.exec(html);
    if (end === null) {
      unclosed.add(name);
      continue;
    }
    out += `${html.slice(from, m.index)} `;
    from = end.index + end[0].length;
    opening.lastIndex = from;
  }
  return out + html.slice(from);
}

/** Text of an HTML page without its tags, scripts and styles. */
export function pageText(html: string): string {
  return withoutTags(withoutScripts(html))
    .replace(/&nbsp;/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
