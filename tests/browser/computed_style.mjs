#!/usr/bin/env node
// What the browser makes of a page's stylesheets: loads a page in Chromium and prints, as JSON,
// the computed value of CSS properties of elements once the page's stylesheets have loaded.
//
//   node tests/browser/computed_style.mjs URL 'SELECTOR PROPERTY' ['SELECTOR PROPERTY' ...]
//
// prints `{ "SELECTOR PROPERTY": "value", ... }` (null for a missing element) and the URLs of
// stylesheets that failed to load under "failed". Exits 1 with the reason when the page does not
// load. The browser is Debian's Chromium (`bash scripts/setup.sh chromium`), driven by
// playwright-core (`bash scripts/fixtures.sh`); CHROMIUM=/path/to/chromium overrides it.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, ...queries] = process.argv.slice(2);
if (!url || !/^https?:\/\//.test(url) || !queries.length) {
  console.error("usage: node tests/browser/computed_style.mjs URL 'SELECTOR PROPERTY' ...");
  process.exit(2);
}
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(`FAIL: no browser at ${executablePath}; run \`bash scripts/setup.sh chromium\``);
  process.exit(1);
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (error) {
  console.error(`FAIL: playwright-core is not installed (${error.message}); run \`bash scripts/fixtures.sh\``);
  process.exit(1);
}

const userDataDir = mkdtempSync(join(tmpdir(), 'switchyard-chromium-'));
let context;
let code = 0;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const failed = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
  });
  page.on('requestfailed', (request) => failed.push(`${request.url()}: ${request.failure()?.errorText}`));
  // `load` waits for the stylesheets the document links.
  const response = await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  if (!response || response.status() !== 200) {
    throw new Error(`GET ${url} answered ${response?.status()}`);
  }
  const values = await page.evaluate((queries) => {
    const found = {};
    for (const query of queries) {
      const [selector, property] = query.split(' ');
      const element = document.querySelector(selector);
      found[query] = element ? getComputedStyle(element).getPropertyValue(property) : null;
    }
    return found;
  }, queries);
  console.log(JSON.stringify({ ...values, failed }));
} catch (error) {
  console.error(`FAIL: ${error.stack ?? error}`);
  code = 1;
} finally {
  await context?.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(code);
