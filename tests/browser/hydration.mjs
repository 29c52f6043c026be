#!/usr/bin/env node
// A real browser against a running Switchyard server of tests/fixtures/browser-app:
//
//   node tests/browser/hydration.mjs http://127.0.0.1:PORT
//
// Server-rendered HTML, hydration, state, client-side navigation with next/link (no full
// reload), history.back(), and a getServerSideProps page on the Edge runtime whose props come
// from /_next/data/<buildId>/posts/42.json. One line per step; exits 1 with the reason, the
// page's console errors, uncaught errors and failed requests when a step fails.
//
// The browser is Debian's Chromium (`bash scripts/setup.sh chromium`), driven by
// playwright-core (`bash scripts/fixtures.sh` installs it); nothing is downloaded here.
// CHROMIUM=/path/to/chromium overrides the executable, STEP_TIMEOUT_MS the wait of each step.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = (process.argv[2] ?? '').replace(/\/+$/, '');
if (!/^https?:\/\/[^/]+$/.test(base)) {
  console.error('usage: node tests/browser/hydration.mjs http://127.0.0.1:PORT');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const stepTimeout = Number(process.env.STEP_TIMEOUT_MS ?? 10_000);
const overallTimeout = Number(process.env.OVERALL_TIMEOUT_MS ?? 90_000);

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (error) {
  console.error(
    `FAIL: playwright-core is not installed next to this script (${error.message}); ` +
      'run `bash scripts/fixtures.sh`',
  );
  process.exit(1);
}
if (!existsSync(executablePath)) {
  console.error(`FAIL: no browser at ${executablePath}; run \`bash scripts/setup.sh chromium\``);
  process.exit(1);
}

// What the page did, printed when a step fails.
const consoleErrors = [];
const pageErrors = [];
const failedRequests = [];
const dataRequests = [];
const documentLoads = [];

function report() {
  const sections = [
    ['page console errors', consoleErrors],
    ['uncaught page errors', pageErrors],
    ['failed requests (network errors and 4xx/5xx)', failedRequests],
    ['/_next/data requests', dataRequests],
    ['documents loaded (full page loads)', documentLoads],
  ];
  for (const [title, lines] of sections) {
    if (lines.length) {
      console.error(`-- ${title}:`);
      for (const line of lines) console.error(`   ${line}`);
    }
  }
}

class StepFailure extends Error {}
function check(condition, message) {
  if (!condition) throw new StepFailure(message);
}

let page;
let step = 0;
async function run(name, body) {
  step += 1;
  try {
    const detail = await body();
    console.log(`ok ${step} - ${name}${detail ? ` (${detail})` : ''}`);
  } catch (error) {
    console.error(`not ok ${step} - ${name}`);
    console.error(`FAIL: ${error instanceof StepFailure ? error.message : error.stack ?? error}`);
    if (error?.cause) console.error(`   caused by: ${error.cause.message ?? error.cause}`);
    if (page && !page.isClosed()) {
      try {
        const html = await page.evaluate(() => {
          if (!document.body) return '(no body)';
          const body = document.body.cloneNode(true);
          for (const script of body.querySelectorAll('script')) script.remove();
          return body.innerHTML;
        });
        console.error(`-- at ${page.url()}; body without its scripts:`);
        console.error(`   ${html.slice(0, 2000)}`);
      } catch {
        // The page may be mid-navigation or gone.
      }
    }
    report();
    throw error;
  }
}

/**
 * Waits until `fn` (run in the page) is truthy; fails with `message` otherwise (a string, or a
 * function that builds it from the page as it is then).
 */
async function waitInPage(fn, message) {
  try {
    await page.waitForFunction(fn, undefined, { timeout: stepTimeout });
  } catch {
    const text = typeof message === 'function' ? await message().catch((e) => String(e)) : message;
    throw new StepFailure(`${text} (waited ${stepTimeout} ms)`);
  }
}

/** The trimmed text of the first element matching `selector`, or null; never waits. */
function textNow(selector) {
  return page.evaluate((s) => document.querySelector(s)?.textContent.trim() ?? null, selector);
}

async function textOf(selector) {
  return (await page.textContent(selector, { timeout: stepTimeout }))?.trim();
}

const userDataDir = mkdtempSync(join(tmpdir(), 'switchyard-chromium-'));
let context;
const watchdog = setTimeout(() => {
  console.error(`FAIL: the whole run took longer than ${overallTimeout} ms`);
  report();
  process.exit(1);
}, overallTimeout);

let failed = false;
try {
  await run('chromium starts', async () => {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(stepTimeout);
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? String(error)));
    page.on('requestfailed', (request) =>
      failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`),
    );
    page.on('response', (response) => {
      const url = response.url();
      if (response.status() >= 400) failedRequests.push(`${response.status()} ${url}`);
      if (new URL(url).pathname.startsWith('/_next/data/')) {
        dataRequests.push(`${response.status()} ${url}`);
      }
    });
    page.on('request', (request) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
        documentLoads.push(request.url());
      }
    });
    return context.browser()?.version() ?? 'persistent context';
  });

  await run('the server renders / with the counter', async () => {
    const response = await fetch(`${base}/`);
    const html = await response.text();
    check(response.status === 200, `GET / answered ${response.status}: ${html.slice(0, 500)}`);
    check(
      /<div id="app-shell">/.test(html),
      `the server HTML lacks the custom App's #app-shell: ${html.slice(0, 1000)}`,
    );
    check(
      /id="counter"[^>]*>count: 0</.test(html),
      `the server HTML lacks <button id="counter">count: 0</button>: ${html.slice(0, 1000)}`,
    );
    return `${html.length} bytes of HTML`;
  });

  await run('open / and wait for hydration', async () => {
    const response = await page.goto(`${base}/`, { waitUntil: 'load' });
    check(response?.status() === 200, `the page answered ${response?.status()}`);
    await waitInPage(
      () => document.documentElement.dataset.hydrated === '1',
      'the page never hydrated: document.documentElement.dataset.hydrated is not "1" ' +
        '(the client bundle did not run, or a useEffect never fired)',
    );
    const hydrationErrors = [...consoleErrors, ...pageErrors].filter((e) => /hydrat/i.test(e));
    check(
      hydrationErrors.length === 0,
      `React reported hydration errors:\n${hydrationErrors.join('\n')}`,
    );
    check(pageErrors.length === 0, `uncaught errors in the page:\n${pageErrors.join('\n')}`);
    check(
      (await page.locator('#app-shell #counter').count()) === 1,
      'the custom App (#app-shell) does not wrap the page in the browser',
    );
  });

  await run('click #counter twice: "count: 2"', async () => {
    const initial = await textOf('#counter');
    check(initial === 'count: 0', `#counter starts as ${JSON.stringify(initial)}, not "count: 0"`);
    await page.click('#counter');
    await page.click('#counter');
    await waitInPage(
      () => document.querySelector('#counter')?.textContent.trim() === 'count: 2',
      async () =>
        `#counter says ${JSON.stringify(await textNow('#counter'))} after two clicks, not ` +
        '"count: 2" (are its event handlers attached?)',
    );
  });

  await run('click #to-about: /about without a reload', async () => {
    await page.evaluate(() => {
      window.__noReload = 1;
    });
    await page.click('#to-about');
    await waitInPage(
      () => document.querySelector('h1#about')?.textContent.trim() === 'About',
      async () =>
        'h1#about with text "About" never appeared ' +
        `(h1#about is ${JSON.stringify(await textNow('h1#about'))}, at ${page.url()})`,
    );
    const state = await page.evaluate(() => ({
      pathname: location.pathname,
      noReload: window.__noReload,
    }));
    check(state.pathname === '/about', `location.pathname is ${state.pathname}, not /about`);
    check(
      state.noReload === 1,
      'window.__noReload is gone: the link made a full page load, not a client-side navigation',
    );
    check(
      (await page.locator('#app-shell h1#about').count()) === 1,
      'the custom App (#app-shell) does not wrap /about',
    );
    // The page's CSS module arrives with it; the App's global stylesheet stays applied.
    const styles = await page.evaluate(() => ({
      title: getComputedStyle(document.querySelector('h1#about')).color,
      body: getComputedStyle(document.body).backgroundColor,
    }));
    check(styles.title === 'rgb(0, 0, 255)', `h1#about is ${styles.title}, not the CSS module's blue`);
    check(styles.body === 'rgb(250, 250, 240)', `body background is ${styles.body}, not globals.css's`);
    return `documents loaded so far: ${documentLoads.length}`;
  });

  await run('history.back(): / again with #counter', async () => {
    await page.evaluate(() => history.back());
    await waitInPage(
      () => location.pathname === '/' && document.querySelector('#counter') !== null,
      'after history.back() the page at / with #counter did not come back',
    );
    check(
      (await page.evaluate(() => window.__noReload)) === 1,
      'history.back() made a full page load',
    );
    return `#counter says "${await textOf('#counter')}"`;
  });

  await run('click #to-post: /posts/42 on Edge via /_next/data, no reload', async () => {
    await page.click('#to-post');
    await waitInPage(
      () => document.querySelector('#post')?.textContent.trim() === 'post 42 from edge',
      async () =>
        'p#post with text "post 42 from edge" never appeared ' +
        `(p#post is ${JSON.stringify(await textNow('#post'))}, at ${page.url()})`,
    );
    const state = await page.evaluate(() => ({
      pathname: location.pathname,
      noReload: window.__noReload,
    }));
    check(state.pathname === '/posts/42', `location.pathname is ${state.pathname}, not /posts/42`);
    check(
      state.noReload === 1,
      'window.__noReload is gone: the link made a full page load, not a client-side navigation',
    );
    const postData = /^200 .*\/_next\/data\/[^/]+\/posts\/42\.json(\?|$)/;
    const data = dataRequests.filter((line) => postData.test(line));
    check(
      data.length > 0,
      'the props of /posts/42 were not fetched from /_next/data/<buildId>/posts/42.json with ' +
        `a 200 (data requests: ${dataRequests.join(', ') || 'none'})`,
    );
    check(pageErrors.length === 0, `uncaught errors in the page:\n${pageErrors.join('\n')}`);
    return data[0].replace(/^200 /, '');
  });

  await run('only the first page was a full document load', async () => {
    check(
      documentLoads.length === 1,
      `expected 1 document load, saw ${documentLoads.length}: ${documentLoads.join(', ')}`,
    );
  });
} catch {
  failed = true;
} finally {
  clearTimeout(watchdog);
  await context?.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}

if (failed) process.exit(1);
if (consoleErrors.length || failedRequests.length) {
  // Passing, but worth seeing (a missing favicon, a warning logged as an error).
  console.log('note: the page logged these along the way:');
  for (const line of [...consoleErrors, ...failedRequests]) console.log(`   ${line}`);
}
console.log(`all ${step} steps passed`);
