// Drives the served API documents in headless Chromium (Debian's package, through
// playwright-core): in Swagger UI (/docs) registers an account with "Try it out", logs in
// through Authorize (the `oauth2` scheme's password flow), reads the account back with
// GET /api/v1/users and its second factors with GET /api/v1/mfa (the Mfa tag), finds the
// Passkeys tag; then checks that Redoc (/redoc) renders. Last, passkeys in a real browser:
// on its own page (passkey.html, served here on PAGE_ORIGIN) with a virtual authenticator
// (DevTools' WebAuthn domain), signs up a second account, registers a passkey
// (navigator.credentials.create) and signs in with it without a username
// (navigator.credentials.get, the passkey grant), calling the API cross-origin.
// A screenshot per step in OUT.
//
// Environment: BASE_URL (default http://127.0.0.1:18331), OUT (required: the screenshot
// folder), CHROMIUM (default: `chromium` on PATH), PAGE_PORT (default 18332: the test page's
// port; its origin http://localhost:PAGE_PORT must be in the server's WEBAUTHN_ORIGINS and
// CORS_ORIGINS).
// Exit status 0 when every step passed, 1 otherwise (with a failure screenshot).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { servePages } from './http-support.mjs';
import { addVirtualAuthenticator } from './virtual-authenticator.mjs';

const BASE = (process.env.BASE_URL || 'http://127.0.0.1:18331').replace(/\/$/, '');
const OUT = process.env.OUT;
if (!OUT) throw new Error('OUT (the screenshot folder) is required');
mkdirSync(OUT, { recursive: true });
const CHROMIUM = process.env.CHROMIUM || execFileSync('which', ['chromium']).toString().trim();
// The passkey test page's origin: `localhost` (WebAuthn wants a domain for the RP ID, and
// http://localhost is a secure context), a port of its own.
const PAGE_PORT = Number(process.env.PAGE_PORT || 18332);
const PAGE_ORIGIN = `http://localhost:${PAGE_PORT}`;
const PAGE_HTML = readFileSync(new URL('./passkey.html', import.meta.url));

// The machine is slow and shared: wait long for elements and responses, never sleep.
const TIMEOUT = 60_000;
const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const account = {
  username: `browser_${suffix}`,
  email: `browser_${suffix}@example.com`,
  password: `browser-pw-${suffix}`,
};
// The passkey steps' own account, signed up from the test page.
const passkeyAccount = {
  username: `passkey_${suffix}`,
  email: `passkey_${suffix}@example.com`,
  password: `passkey-pw-${suffix}`,
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

/** At most `max` characters of `value` (JSON unless a string), for messages and the page. */
function brief(value, max = 300) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text && text.length > max ? `${text.slice(0, max)}…` : String(text);
}

/**
 * From the passkey test page: METHOD PATH on the API (cross-origin; `options` as the page's
 * `api`: json, form, token), written to the page's table; `expected` the status that counts
 * as good there. Returns { status, contentType, body } and logs the answer.
 */
async function call(page, stage, method, path, expected, options = {}) {
  const answer = await page.evaluate(
    async ({ stage, method, path, expected, options, max }) => {
      const answer = await window.api(method, path, options);
      // Tokens shortened in the page: the screenshots need not carry them.
      const shown =
        answer.body && typeof answer.body === 'object'
          ? Object.fromEntries(
              Object.entries(answer.body).map(([key, value]) =>
                key.endsWith('_token') && typeof value === 'string'
                  ? [key, `${value.slice(0, 12)}…`]
                  : [key, value],
              ),
            )
          : answer.body;
      const text = typeof shown === 'string' ? shown : JSON.stringify(shown);
      const detail = text && text.length > max ? `${text.slice(0, max)}…` : String(text);
      const good = answer.status === expected;
      window.record(stage, `${method} ${path}`, String(answer.status), detail, good);
      return answer;
    },
    { stage, method, path, expected, options, max: 300 },
  );
  log(`${method} ${path} -> ${answer.status} ${brief(answer.body, 200)}`);
  return answer;
}

/** Checks that `answer` (from `call`) has status `expected`; the body in the message if not. */
function expectStatus(answer, expected, what) {
  expect(
    answer.status === expected,
    `${what} answered ${expected}` +
      (answer.status === expected ? '' : ` (got ${answer.status}: ${brief(answer.body)})`),
  );
}

/** Serves passkey.html on PAGE_PORT (127.0.0.1, which is what Chromium calls `localhost`). */
function startPageServer() {
  return servePages(PAGE_PORT, (path) => (path === '/' || path === '/passkey.html' ? PAGE_HTML : undefined));
}

// A fresh profile each run (launchPersistentContext passes it as --user-data-dir).
const userDataDir = mkdtempSync(join(tmpdir(), 'accounts-api-chromium-'));
let context;
let page;
let pk; // the passkey test page
let pageServer;
let failed = false;
try {
  pageServer = await startPageServer();
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
  // Only the server under test and the test's own page: the docs must load nothing from
  // another host (the server drops Redoc's web fonts); anything else is refused at once and
  // fails the run.
  const base = new URL(BASE);
  const pageHost = new URL(PAGE_ORIGIN).host;
  await context.route(
    (url) => url.host !== base.host && url.host !== pageHost,
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

  // The Passkeys tag: its section lists the passkey operations.
  phase = '5. find the Passkeys tag in Swagger UI';
  const passkeysTag = page.locator('h3.opblock-tag[data-tag="Passkeys"]');
  await passkeysTag.waitFor({ state: 'visible' });
  const passkeyOperations = [
    ['get', '/.well-known/apple-app-site-association'],
    ['get', '/.well-known/assetlinks.json'],
    ['post', '/api/v1/passkeys/registration'],
    ['post', '/api/v1/passkeys'],
    ['get', '/api/v1/passkeys'],
    ['patch', '/api/v1/passkeys/{id}'],
    ['delete', '/api/v1/passkeys/{id}'],
    ['post', '/api/v1/passkeys/authentication'],
  ];
  for (const [method, path] of passkeyOperations) {
    await operation(page, method, path).waitFor({ state: 'visible' });
  }
  ok(`Swagger UI shows the Passkeys tag with its ${passkeyOperations.length} operations`);
  await shoot(page.locator('.opblock-tag-section').filter({ has: passkeysTag }), 'passkeys-tag');

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
    'Register a passkey',
    'Start a passkey sign-in',
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

  // 7. Passkeys in a real browser, on the test's own page (another origin than the API's, so
  // every call is cross-origin) with a virtual authenticator: a platform authenticator
  // ("internal") that keeps discoverable credentials, verifies the user and answers by itself.
  phase = '7. open the passkey test page with a virtual authenticator';
  pk = await context.newPage();
  pk.on('pageerror', (error) => pageErrors.push(String(error)));
  const { cdp, authenticatorId } = await addVirtualAuthenticator(context, pk);
  log(`virtual authenticator ${authenticatorId}`);
  await pk.goto(`${PAGE_ORIGIN}/?api=${encodeURIComponent(BASE)}`, { waitUntil: 'load' });
  const support = await pk.evaluate(async () => ({
    origin: location.origin,
    secure: window.isSecureContext,
    parse:
      typeof PublicKeyCredential?.parseCreationOptionsFromJSON === 'function' &&
      typeof PublicKeyCredential?.parseRequestOptionsFromJSON === 'function' &&
      typeof PublicKeyCredential?.prototype?.toJSON === 'function',
    platform: await PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable(),
  }));
  expect(
    support.origin === PAGE_ORIGIN && support.secure,
    `the test page is served on ${PAGE_ORIGIN}, a secure context`,
  );
  expect(
    support.parse,
    'Chromium has PublicKeyCredential.parseCreationOptionsFromJSON / ' +
      'parseRequestOptionsFromJSON and toJSON',
  );
  expect(
    support.platform,
    'the page sees a user-verifying platform authenticator (the virtual one)',
  );
  await shoot(pk, 'passkey-page', { fullPage: true });

  // 8. A second account, signed up and logged in (password grant) from the page.
  phase = '8. sign up and log in from the passkey test page (cross-origin)';
  log(`passkey account ${passkeyAccount.username}`);
  const signedUp = await call(pk, 'sign up', 'POST', '/api/v1/users', 201, {
    json: passkeyAccount,
  });
  expectStatus(signedUp, 201, 'POST /api/v1/users from the test page (cross-origin, CORS)');
  const userId = signedUp.body?.id;
  expect(
    signedUp.body?.username === passkeyAccount.username && typeof userId === 'string',
    `the page read the new account cross-origin (id ${userId})`,
  );
  const passwordLogin = await call(pk, 'log in (password)', 'POST', '/api/v1/token/access', 200, {
    form: {
      grant_type: 'password',
      username: passkeyAccount.username,
      password: passkeyAccount.password,
    },
  });
  expectStatus(passwordLogin, 200, 'POST /api/v1/token/access (password grant) from the page');
  const bearer = passwordLogin.body?.access_token;
  expect(
    typeof bearer === 'string' && bearer.length > 0,
    'the password grant gave an access token',
  );
  await shoot(pk, 'passkey-account', { fullPage: true });

  // 9. Register a passkey: creation options (confirmed by the password), the authenticator
  // makes the credential, the server keeps it.
  phase = '9. register a passkey (navigator.credentials.create)';
  const creation = await call(
    pk,
    'registration options',
    'POST',
    '/api/v1/passkeys/registration',
    200,
    { json: { current_password: passkeyAccount.password }, token: bearer },
  );
  expectStatus(creation, 200, 'POST /api/v1/passkeys/registration');
  const creationOptions = creation.body?.publicKey;
  expect(
    creationOptions?.rp?.id === 'localhost' &&
      creationOptions?.user?.name === passkeyAccount.username &&
      typeof creationOptions?.challenge === 'string',
    `the creation options name the RP "localhost" and the account ` +
      `(rp ${brief(creationOptions?.rp)}, user.name ${creationOptions?.user?.name})`,
  );
  log(`authenticatorSelection ${brief(creationOptions?.authenticatorSelection)}`);
  const made = await pk.evaluate(async (optionsJSON) => {
    try {
      const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(optionsJSON);
      const credential = await navigator.credentials.create({ publicKey });
      const json = credential.toJSON();
      window.record(
        'authenticator: create',
        'navigator.credentials.create',
        'credential',
        `id ${json.id}, transports ${JSON.stringify(json.response?.transports)}`,
        true,
      );
      return { credential: json };
    } catch (error) {
      const message = `${error.name}: ${error.message}`;
      const request = 'navigator.credentials.create';
      window.record('authenticator: create', request, 'error', message, false);
      return { error: message };
    }
  }, creationOptions);
  expect(
    !made.error && made.credential?.type === 'public-key',
    `navigator.credentials.create made a credential${made.error ? ` (${made.error})` : ''}`,
  );
  const credential = made.credential;
  const { credentials: stored } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  const kept = stored.find(
    (c) => Buffer.from(c.credentialId, 'base64').toString('base64url') === credential.rawId,
  );
  expect(
    kept?.isResidentCredential === true && kept?.rpId === 'localhost',
    `the virtual authenticator keeps it as a discoverable credential for "localhost" ` +
      `(${stored.length} credential(s))`,
  );
  const registered = await call(pk, 'register passkey', 'POST', '/api/v1/passkeys', 201, {
    json: { credential, name: 'Test key' },
    token: bearer,
  });
  expectStatus(registered, 201, 'POST /api/v1/passkeys');
  const passkey = registered.body || {};
  expect(
    typeof passkey.id === 'string' &&
      passkey.name === 'Test key' &&
      typeof passkey.backup_eligible === 'boolean' &&
      typeof passkey.backed_up === 'boolean' &&
      Array.isArray(passkey.transports) &&
      typeof passkey.created_at === 'string',
    `the new passkey has its id, name "Test key", backup flags and transports ` +
      `(${brief(passkey)})`,
  );
  // Not a check: webauthn-rs keeps the transports only for packed or TPM attestation, and
  // registration asks for none, so the server may list none of what the browser reported.
  const reported = credential.response?.transports || [];
  const sameTransports =
    JSON.stringify([...reported].sort()) === JSON.stringify([...(passkey.transports || [])].sort());
  log(
    `${sameTransports ? '' : 'note: '}the browser reported transports ` +
      `${JSON.stringify(reported)}, the server keeps ${JSON.stringify(passkey.transports)}`,
  );
  const listed = await call(pk, 'list passkeys', 'GET', '/api/v1/passkeys', 200, {
    token: bearer,
  });
  expectStatus(listed, 200, 'GET /api/v1/passkeys');
  const items = listed.body?.items || [];
  expect(
    items.length === 1 && items[0].id === passkey.id && items[0].last_used_at === null,
    `GET /api/v1/passkeys lists it, never used (${brief(items)})`,
  );
  const factorsNow = await call(pk, 'second factors', 'GET', '/api/v1/mfa', 200, {
    token: bearer,
  });
  expectStatus(factorsNow, 200, 'GET /api/v1/mfa');
  expect(
    factorsNow.body?.passkeys === 1,
    `GET /api/v1/mfa counts the passkey (${brief(factorsNow.body)})`,
  );
  await shoot(pk, 'passkey-registered', { fullPage: true });

  // 10. Sign in with it, no username: request options with an empty allow list, the
  // authenticator offers its discoverable credential, the passkey grant issues a token.
  phase = '10. sign in with the passkey (navigator.credentials.get, passkey grant)';
  const request = await call(
    pk,
    'sign-in options',
    'POST',
    '/api/v1/passkeys/authentication',
    200,
    { json: {} },
  );
  expectStatus(request, 200, 'POST /api/v1/passkeys/authentication with {}');
  const requestOptions = request.body?.publicKey;
  expect(
    requestOptions?.rpId === 'localhost' && (requestOptions?.allowCredentials || []).length === 0,
    `the request options name the RP "localhost" with an empty allow list ` +
      `(rpId ${requestOptions?.rpId}, userVerification ${requestOptions?.userVerification})`,
  );
  const asserted = await pk.evaluate(async (optionsJSON) => {
    try {
      const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(optionsJSON);
      const assertion = await navigator.credentials.get({ publicKey });
      const json = assertion.toJSON();
      window.record(
        'authenticator: get',
        'navigator.credentials.get',
        'assertion',
        `id ${json.id}, userHandle ${json.response?.userHandle}`,
        true,
      );
      return { assertion: json };
    } catch (error) {
      const message = `${error.name}: ${error.message}`;
      window.record('authenticator: get', 'navigator.credentials.get', 'error', message, false);
      return { error: message };
    }
  }, requestOptions);
  expect(
    !asserted.error && asserted.assertion?.id === credential.id,
    `navigator.credentials.get answered with the new credential` +
      (asserted.error ? ` (${asserted.error})` : ''),
  );
  expect(
    typeof asserted.assertion.response?.userHandle === 'string' &&
      asserted.assertion.response.userHandle === creationOptions.user.id,
    'the assertion carries the user handle of the registration (a discoverable credential)',
  );
  const assertionText = JSON.stringify(asserted.assertion);
  const passkeyGrant = {
    grant_type: 'urn:accounts-api:params:oauth:grant-type:passkey',
    assertion: assertionText,
  };
  const signedIn = await call(pk, 'sign in (passkey)', 'POST', '/api/v1/token/access', 200, {
    form: passkeyGrant,
  });
  expectStatus(signedIn, 200, 'POST /api/v1/token/access (passkey grant)');
  const passkeyToken = signedIn.body?.access_token;
  expect(typeof passkeyToken === 'string', 'the passkey grant gave an access token');
  const claims = await pk.evaluate((jwt) => {
    const claims = window.jwtPayload(jwt);
    window.record('token claims', '(JWT payload)', 'amr', JSON.stringify(claims.amr), true);
    return claims;
  }, passkeyToken);
  const amr = Array.isArray(claims.amr) ? claims.amr : String(claims.amr || '').split(' ');
  expect(
    amr.includes('user') && (amr.includes('hwk') || amr.includes('swk')) && amr.includes('mfa'),
    `the token's amr says a user-verified passkey, multi-factor (${JSON.stringify(amr)})`,
  );
  expect(claims.sub === userId, `the token is the passkey account's (sub ${claims.sub})`);
  const whoAmI = await call(pk, 'my account (passkey token)', 'GET', '/api/v1/users', 200, {
    token: passkeyToken,
  });
  expectStatus(whoAmI, 200, 'GET /api/v1/users with the passkey token');
  expect(
    whoAmI.body?.username === passkeyAccount.username,
    'the passkey token reads the passkey account',
  );
  await shoot(pk, 'passkey-signed-in', { fullPage: true });

  // 11. The same assertion again: refused (single use), and the passkey shows its use.
  phase = '11. replay the assertion';
  const replayed = await call(pk, 'replay assertion', 'POST', '/api/v1/token/access', 401, {
    form: passkeyGrant,
  });
  expectStatus(replayed, 401, 'POST /api/v1/token/access with the same assertion again');
  expect(
    String(replayed.body?.type || '').endsWith('/problems/invalid-passkey') &&
      replayed.contentType.startsWith('application/problem+json'),
    `the replay is refused as /problems/invalid-passkey (${brief(replayed.body)})`,
  );
  const used = await call(pk, 'list passkeys (after use)', 'GET', '/api/v1/passkeys', 200, {
    token: passkeyToken,
  });
  expectStatus(used, 200, 'GET /api/v1/passkeys with the passkey token');
  const usedItem = (used.body?.items || []).find((item) => item.id === passkey.id);
  expect(
    typeof usedItem?.last_used_at === 'string',
    `the passkey now has a last_used_at (${usedItem?.last_used_at})`,
  );
  await shoot(pk, 'passkey-replay-401', { fullPage: true });
} catch (error) {
  failed = true;
  console.error(`[browser-test] FAILED in step ${phase}: ${error.stack || error}`);
  const current = pk || page;
  if (current) {
    const path = join(OUT, 'failure.png');
    await current.screenshot({ path, fullPage: false }).then(
      () => {
        shots.push(path);
        console.error(`[browser-test] screenshot ${path}`);
      },
      () => {},
    );
  }
} finally {
  if (context) await context.close().catch(() => {});
  if (pageServer) await new Promise((resolve) => pageServer.close(resolve));
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
