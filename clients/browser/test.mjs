// Drives the served API documents in headless Chromium (Debian's package, through
// playwright-core): in Swagger UI (/docs) registers an account with "Try it out", logs in
// through Authorize (the `oauth2` scheme's password flow), reads the account back with
// GET /api/v1/users and its second factors with GET /api/v1/mfa (the Mfa tag); then checks
// that Redoc (/redoc) renders. A screenshot per step in OUT.
//
// Environment: BASE_URL (default http://127.0.0.1:18331), OUT (required: the screenshot
// folder), CHROMIUM (default: `chromium` on PATH).
// Exit status 0 when every step passed, 1 otherwise (with a failure screenshot).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = (process.env.BASE_URL || 'http://127.0.0.1:18331').replace(/\/$/, '');
const OUT = process.env.OUT;
if (!OUT) throw new Error('OUT (the screenshot folder) is required');
mkdirSync(OUT, { recursive: true });
const CHROMIUM = process.env.CHROMIUM || execFileSync('which', ['chromium']).toString().trim();

// The machine is slow and shared: wait long for elements and responses, never sleep.
const TIMEOUT = 60_000;
const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const account = {
  username: `browser_${suffix}`,
  email: `browser_${suffix}@example.com`,
  password: `browser-pw-${suffix}`,
};

const shots = [];
const offsite = new Set();
const pageErrors = [];
let step = 0; // screenshots taken
let phase = 'starting Chromium'; // what the test is doing, for the failure message
let passed = 0;

function log(message) {
  console.log(`[browser-test] ${message}`);
}

/** Saves OUT/NN-name.png of `target` (a page or an element); `options` as Playwright's. */
async function shoot(target, name, options = {}) {
  step += 1;
  const path = join(OUT, `${String(step).padStart(2, '0')}-${name}.png`);
  await target.screenshot({ path, timeout: TIMEOUT, ...options });
  shots.push(path);
  log(`screenshot ${path}`);
}

/** The operation block of METHOD PATH in Swagger UI (the path matched exactly). */
function operation(page, method, path) {
  return page
    .locator(`.opblock.opblock-${method}`)
    .filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
}

/** Expands an operation, presses "Try it out", and returns the block. */
async function tryItOut(page, method, path) {
  const block = operation(page, method, path);
  await block.waitFor({ state: 'visible' });
  await block.locator('.opblock-summary-control').click();
  await block.locator('button.try-out__btn').click();
  await block.locator('button.execute').waitFor({ state: 'visible' });
  return block;
}

/** Presses Execute and waits for both the network answer and Swagger UI's rendering of it. */
async function execute(page, block, method, path) {
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === method.toUpperCase() && new URL(r.url()).pathname === path,
    ),
    block.locator('button.execute').click(),
  ]);
  const status = block.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor({ state: 'visible' });
  const body = block
    .locator('.live-responses-table .response-col_description .highlight-code')
    .first();
  return { response, shown: (await status.innerText()).trim(), body };
}

/** A screenshot of the page from the top of `first` to the bottom of `last` (full width). */
async function shootRange(page, first, last, name) {
  await last.scrollIntoViewIfNeeded();
  const scrollY = await page.evaluate(() => window.scrollY);
  const [a, b] = [await first.boundingBox(), await last.boundingBox()];
  const y = a.y + scrollY - 8;
  const height = b.y + scrollY + b.height + 8 - y;
  const clip = { x: 0, y, width: page.viewportSize().width, height };
  await shoot(page, name, { fullPage: true, clip });
}

function expect(condition, message) {
  if (!condition) throw new Error(`expected: ${message}`);
  ok(message);
}

function ok(message) {
  passed += 1;
  log(`ok: ${message}`);
}

// A fresh profile each run (launchPersistentContext passes it as --user-data-dir).
const userDataDir = mkdtempSync(join(tmpdir(), 'accounts-api-chromium-'));
let context;
let page;
let failed = false;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: TIMEOUT,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context.setDefaultTimeout(TIMEOUT);
  context.setDefaultNavigationTimeout(TIMEOUT);
  // Only the server under test: the docs must load nothing from another host (the server
  // drops Redoc's web fonts); anything else is refused at once and fails the run.
  const base = new URL(BASE);
  await context.route(
    (url) => url.host !== base.host,
    (route) => {
      offsite.add(new URL(route.request().url()).origin);
      return route.abort('blockedbyclient');
    },
  );
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(String(error)));

  // 1. Swagger UI renders the document.
  phase = '1. open /docs';
  log(`account ${account.username}`);
  await page.goto(`${BASE}/docs`, { waitUntil: 'load' });
  await operation(page, 'post', '/api/v1/users').waitFor({ state: 'visible' });
  await page.locator('.auth-wrapper button.authorize').waitFor({ state: 'visible' });
  ok('Swagger UI shows the operations and the Authorize button');
  await shoot(page, 'docs');

  // 2. Register through "Try it out" on POST /api/v1/users.
  phase = '2. register with Try it out on POST /api/v1/users';
  const register = await tryItOut(page, 'post', '/api/v1/users');
  const body = register.locator('textarea.body-param__text');
  await body.fill(JSON.stringify(account, null, 2));
  await body.press('Tab'); // leave the editor so its value is committed before Execute
  const created = await execute(page, register, 'post', '/api/v1/users');
  expect(
    (created.response.request().postData() || '').includes(account.username),
    'the request Swagger UI sent carries the body typed into the editor',
  );
  const createdStatus = created.response.status();
  expect(createdStatus === 201, `POST /api/v1/users answered 201 (got ${createdStatus})`);
  expect(created.shown === '201', `Swagger UI shows 201 (shows ${created.shown})`);
  const editor = register.locator('.opblock-section-request-body');
  await shootRange(page, editor, created.body, 'register-201');

  // 3. Authorize: the oauth2 scheme's password flow against /api/v1/token/access.
  phase = '3. log in through Authorize (oauth2, password flow)';
  await page.locator('.auth-wrapper button.authorize').click();
  const dialog = page.locator('.dialog-ux .modal-ux');
  await dialog.waitFor({ state: 'visible' });
  // The scheme's block, by its heading (its inputs give way to plain text once authorized).
  const oauth2 = dialog
    .locator('.auth-container')
    .filter({ hasText: 'oauth2 (OAuth2, password)' });
  // The permissions are the scheme's scopes: the dialog lists each with what it allows.
  const scopes = await oauth2.locator('.scopes').innerText();
  for (const scope of ['users:read', 'users:write', 'sessions:revoke', 'audit:read']) {
    expect(scopes.includes(scope), `the Authorize dialog lists the scope ${scope}`);
  }
  expect(scopes.includes('Read the audit trail.'), 'with what each scope allows');
  await oauth2.locator('#oauth_username').fill(account.username);
  await oauth2.locator('#oauth_password').fill(account.password);
  await shoot(oauth2, 'authorize-filled');
  const [token] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/token/access'),
    oauth2.locator('button.authorize').click(),
  ]);
  const sent = token.request();
  const sentHeaders = await sent.allHeaders();
  const form = new URLSearchParams(sent.postData() || '');
  // Swagger UI's default "Client credentials location" is the Authorization header: with no
  // client id or secret filled in, it sends `Basic` of ":" (which the server ignores).
  const [scheme, credentials] = (sentHeaders.authorization || 'none').split(' ');
  const client =
    scheme === 'Basic'
      ? ` (client id "${Buffer.from(credentials || '', 'base64').toString().split(':')[0]}")`
      : '';
  log(
    `token request: ${sent.method()} ${new URL(sent.url()).pathname}, ` +
      `content-type ${sentHeaders['content-type']}, fields ${[...form.keys()].join(',')}, ` +
      `authorization ${scheme}${client}`,
  );
  expect(
    form.get('grant_type') === 'password' && form.get('username') === account.username,
    'Swagger UI sent the password grant with the username',
  );
  expect(token.status() === 200, `POST /api/v1/token/access answered 200 (got ${token.status()})`);
  // By its text: its accessible name is its aria-label, "Remove authorization".
  const logout = oauth2.locator('button', { hasText: 'Logout' });
  await logout.waitFor({ state: 'visible' });
  expect(
    (await oauth2.innerText()).includes('Authorized'),
    'the Authorize dialog shows the oauth2 scheme as authorized',
  );
  await shoot(oauth2, 'authorized');
  await oauth2.locator('button.btn-done').click();
  await dialog.waitFor({ state: 'detached' });

  // 4. "Try it out" on GET /api/v1/users with the token: 200 and the account.
  phase = '4. read the account with Try it out on GET /api/v1/users';
  const me = await tryItOut(page, 'get', '/api/v1/users');
  const read = await execute(page, me, 'get', '/api/v1/users');
  const authorization = (await read.response.request().allHeaders()).authorization || '';
  expect(authorization.startsWith('Bearer '), 'GET /api/v1/users was sent with the bearer token');
  const readStatus = read.response.status();
  expect(readStatus === 200, `GET /api/v1/users answered 200 (got ${readStatus})`);
  expect(read.shown === '200', `Swagger UI shows 200 (shows ${read.shown})`);
  const shownBody = read.body;
  await shownBody.waitFor({ state: 'visible' });
  const text = await shownBody.innerText();
  expect(
    text.includes(`"${account.username}"`),
    `the response body in the page shows ${account.username}`,
  );
  expect(text.includes(account.email), 'the response body in the page shows the e-mail');
  await shootRange(page, me.locator('.opblock-summary'), shownBody, 'me-200');

  // 5. The Mfa tag (two-step sign-in): its section lists the operations, and "Try it out" on
  // GET /api/v1/mfa with the same token shows the new account without a second factor.
  phase = '5. read the second factors with Try it out on GET /api/v1/mfa';
  const mfaTag = page.locator('h3.opblock-tag[data-tag="Mfa"]');
  await mfaTag.waitFor({ state: 'visible' });
  for (const [method, path] of [
    ['get', '/api/v1/mfa'],
    ['post', '/api/v1/mfa/totp'],
    ['post', '/api/v1/mfa/totp/confirm'],
    ['delete', '/api/v1/mfa/totp'],
    ['post', '/api/v1/mfa/recovery-codes'],
  ]) {
    await operation(page, method, path).waitFor({ state: 'visible' });
  }
  ok('Swagger UI shows the Mfa tag with its five operations');
  const mfa = await tryItOut(page, 'get', '/api/v1/mfa');
  const factors = await execute(page, mfa, 'get', '/api/v1/mfa');
  const factorsStatus = factors.response.status();
  expect(factorsStatus === 200, `GET /api/v1/mfa answered 200 (got ${factorsStatus})`);
  expect(factors.shown === '200', `Swagger UI shows 200 (shows ${factors.shown})`);
  await factors.body.waitFor({ state: 'visible' });
  const answered = await factors.response.json();
  expect(
    answered.totp?.enabled === false && answered.recovery_codes_left === 0,
    `GET /api/v1/mfa answered TOTP off and no recovery codes (${JSON.stringify(answered)})`,
  );
  const shownFactors = await factors.body.innerText();
  expect(
    /"enabled":\s*false/.test(shownFactors) && /"recovery_codes_left":\s*0\b/.test(shownFactors),
    'the response body in the page shows it',
  );
  await shootRange(page, mfaTag, factors.body, 'mfa-200');

  // 6. Redoc renders the same document: every operation's heading, and the side menu leads
  // to one (its headings also hold a share link named by the operationId, so match by text).
  phase = '6. open /redoc';
  await page.goto(`${BASE}/redoc`, { waitUntil: 'load' });
  const names = [
    'Issue an access token',
    'Register an account',
    'Get my account',
    'Update my account',
    'Delete my account',
    'Get my second factors',
    'Start a TOTP enrolment',
  ];
  for (const name of names) {
    await page.locator('h2', { hasText: name }).first().waitFor({ state: 'visible' });
  }
  ok(`Redoc shows the operations: ${names.join(', ')}`);
  await page.locator('label[role="menuitem"]', { hasText: /^Users$/ }).click();
  const entry = page.locator('label[role="menuitem"]', { hasText: 'Register an account' });
  await entry.waitFor({ state: 'visible' });
  await entry.click();
  await page.waitForFunction(() => {
    const heading = [...document.querySelectorAll('h2')].find((h) =>
      h.textContent.includes('Register an account'),
    );
    const top = heading ? heading.getBoundingClientRect().top : -1;
    return location.hash.includes('createUser') && top >= 0 && top < window.innerHeight;
  });
  ok('the Redoc menu entry "Register an account" scrolls to its operation');
  await shoot(page, 'redoc');
} catch (error) {
  failed = true;
  console.error(`[browser-test] FAILED in step ${phase}: ${error.stack || error}`);
  if (page) {
    const path = join(OUT, 'failure.png');
    await page.screenshot({ path, fullPage: false }).then(
      () => {
        shots.push(path);
        console.error(`[browser-test] screenshot ${path}`);
      },
      () => {},
    );
  }
} finally {
  if (context) await context.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}

let offsiteFailed = false;
if (offsite.size) {
  console.error(`[browser-test] FAIL the docs asked another host: ${[...offsite].join(', ')}`);
  offsiteFailed = true;
}
if (pageErrors.length) log(`page errors: ${pageErrors.join(' | ')}`);
log('screenshots:');
for (const path of shots) console.log(`  ${path}`);
const failures = (failed ? 1 : 0) + (offsiteFailed ? 1 : 0);
console.log(`browser checks: ${passed} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
