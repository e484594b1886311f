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
