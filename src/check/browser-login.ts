// Runs a --login script in a real headless Chromium (playwright-core and the system
// chromium; loaded only here) and returns the URL the server sent the browser to at
// the redirect URI. The browser's own requests are not in the trace: an event says so.
import { existsSync } from 'node:fs';
import { isSmartctlError, networkError, usageError } from '../errors.js';
import { fillValue } from './login-script.js';
import type { LoginStep } from './types.js';

const BROWSERS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function findChromium(env: Readonly<Record<string, string | undefined>>): string {
  const own = env['SMARTCTL_CHROMIUM'];
  if (own !== undefined && own !== '') {
    if (!existsSync(own)) throw usageError('browser-missing', `SMARTCTL_CHROMIUM names "${own}", which does not exist`, 'Point it at a Chromium or Chrome executable.');
    return own;
  }
  const found = BROWSERS.find((b) => existsSync(b));
  if (found === undefined) throw usageError('browser-missing', 'no Chromium found for the --login script', 'Install the Debian package "chromium" (apt-get install chromium), or set SMARTCTL_CHROMIUM to a Chrome/Chromium executable.');
  return found;
}

export async function browserLogin(o: { steps: readonly LoginStep[]; env: Readonly<Record<string, string | undefined>>; authorizeUrl: string; redirectUri: string; timeoutMs: number }): Promise<string> {
  const executablePath = findChromium(o.env);
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch {
    throw usageError('playwright-missing', 'the --login script needs the npm package playwright-core', 'Install it next to smartctl: npm install playwright-core');
  }
  const browser = await playwright.chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  try {
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(o.timeoutMs);
    let callback: string | undefined;
    // The redirect URI is never loaded: its URL is the answer.
    await page.route((url) => url.href.startsWith(o.redirectUri), async (route) => {
      callback = route.request().url();
      await route.fulfill({ status: 200, contentType: 'text/plain', body: 'smartctl: callback received' });
    });
    await page.goto(o.authorizeUrl);
    for (const [i, step] of o.steps.entries()) {
      if (callback !== undefined) break;
      try {
        if ('fill' in step) await page.fill(step.fill, fillValue(step.with, o.env));
        else if ('click' in step) await page.click(step.click);
        else await page.waitForURL((u) => u.href.startsWith(step.waitFor));
      } catch (error) {
        if (isSmartctlError(error)) throw error;
        const first = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
        throw networkError('login-script-step-failed', `login script step ${i + 1} (${JSON.stringify(step)}) failed on ${page.url().split('?')[0] ?? ''}: ${first}`, 'Check the selector against the page (open the authorize URL in a browser and inspect it).');
      }
    }
    const deadline = Date.now() + o.timeoutMs;
    while (callback === undefined && Date.now() < deadline) await page.waitForTimeout(100);
    if (callback === undefined) throw networkError('login-script-no-callback', `the login script ran, but the browser did not reach ${o.redirectUri} within ${o.timeoutMs} ms (it is at ${page.url().split('?')[0] ?? ''})`, 'Check the selectors against the login page; add a {"waitFor": ...} step where the page loads slowly.');
    return callback;
  } finally {
    await browser.close();
  }
}
