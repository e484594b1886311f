// Reads a Markdown report back with a real parser (markdown-it, CommonMark plus GFM
// tables, raw HTML on as GitHub allows it) so tests check the structure a reader sees.
import MarkdownIt from 'markdown-it';

export interface ParsedMarkdown {
  html: string;
  /** Headings in order: [level, text]. */
  headings: Array<[number, string]>;
  /** Raw HTML blocks and inline HTML, as written. */
  rawHtml: string[];
  /** Fenced code blocks' contents, in order. */
  fences: string[];
  tables: number;
  /** Each table's header cells, in order. */
  tableHeads: string[][];
}

const md = new MarkdownIt({ html: true, linkify: false });

export function parseMarkdown(text: string): ParsedMarkdown {
  const tokens = md.parse(text, {});
  const headings: Array<[number, string]> = [];
  const rawHtml: string[] = [];
  const fences: string[] = [];
  const tableHeads: string[][] = [];
  let tables = 0;
  let inHead = false;
  tokens.forEach((t, i) => {
    if (t.type === 'heading_open') headings.push([Number(t.tag.slice(1)), tokens[i + 1]?.content ?? '']);
    if (t.type === 'html_block') rawHtml.push(t.content);
    if (t.type === 'inline') for (const c of t.children ?? []) if (c.type === 'html_inline') rawHtml.push(c.content);
    if (t.type === 'fence') fences.push(t.content);
    if (t.type === 'table_open') {
      tables++;
      tableHeads.push([]);
    }
    if (t.type === 'thead_open') inHead = true;
    if (t.type === 'thead_close') inHead = false;
    if (inHead && t.type === 'inline') tableHeads[tableHeads.length - 1]?.push(t.content);
  });
  return { html: md.render(text), headings, rawHtml, fences, tables, tableHeads };
}

/** The HTML elements the rendered document opens, by tag name, with counts. */
export function openedElements(html: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)[\s>/]/g)) {
    const tag = (m[1] ?? '').toLowerCase();
    out.set(tag, (out.get(tag) ?? 0) + 1);
  }
  return out;
}

/** What markdown-it makes of a report's own structure; any other element would come from server text. */
const REPORT_ELEMENTS = new Set(['h1', 'h2', 'h3', 'p', 'ul', 'ol', 'li', 'strong', 'code', 'pre', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'details', 'summary', 'a', 'br']);

/**
 * A report's HTML is only its own: raw HTML only as our <details><summary> lines, no other
 * element, <details> balanced with one <summary> each, links only to spec sites.
 */
export function assertReportStructure(text: string, label = 'report'): ParsedMarkdown {
  const doc = parseMarkdown(text);
  for (const raw of doc.rawHtml) {
    if (!/^(?:<details>\n<summary>[^<>]*<\/summary>\n|<\/details>\n?)$/.test(raw)) throw new Error(`${label}: raw HTML that is not ours: ${JSON.stringify(raw)}`);
  }
  const opened = openedElements(doc.html);
  for (const tag of opened.keys()) if (!REPORT_ELEMENTS.has(tag)) throw new Error(`${label}: <${tag}> in the HTML`);
  const details = opened.get('details') ?? 0;
  if (details !== (doc.html.match(/<\/details>/g) ?? []).length || (opened.get('summary') ?? 0) !== details) throw new Error(`${label}: <details>/<summary> not balanced`);
  for (const m of doc.html.matchAll(/<a href="([^"]*)"/g)) {
    if (!/^https:\/\/(www\.rfc-editor\.org|datatracker\.ietf\.org|hl7\.org|openid\.net)\//.test(m[1] ?? '')) throw new Error(`${label}: a link to ${m[1] ?? ''}`);
  }
  return doc;
}
