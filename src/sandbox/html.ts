// The sandbox's HTML pages share one plain layout; every value is escaped.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · smartctl sandbox</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
h1 { font-size: 1.4rem; }
.note { color: #555; font-size: 0.9rem; }
code { background: #f2f2f2; padding: 0 0.2rem; }
label { display: block; margin: 0.3rem 0; }
button { margin: 0.8rem 0.5rem 0 0; padding: 0.4rem 1rem; }
.error { border-left: 4px solid #b00020; padding-left: 0.8rem; }
</style>
</head>
<body>
<p class="note">smartctl sandbox: a local SMART on FHIR server with synthetic data</p>
${body}
</body>
</html>
`;
}
