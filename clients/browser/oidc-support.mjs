// What oidc.mjs and oidc-passkey.mjs share: the settings from the environment, the log and
// the screenshots, the API calls made outside the browser (accounts, TOTP), the OAuth clients
// registered with the manage CLI, the relying party's own little HTTP server (its redirect
// URIs), and the checks every hosted page must pass (headers, labels, focus, cookies).

import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { request } from './http-support.mjs';

export const ISSUER = (process.env.ISSUER || 'http://localhost:18331').replace(/\/$/, '');
export const OUT = process.env.OUT;
if (!OUT) throw new Error('OUT (the screenshot folder) is required');
mkdirSync(OUT, { recursive: true });
export const CHROMIUM =
  process.env.CHROMIUM || execFileSync('which', ['chromium']).toString().trim();
// The passkey page's origin (passkey.html, RP ID `localhost`): in WEBAUTHN_ORIGINS and
// CORS_ORIGINS (the issuer's own origin is in WEBAUTHN_ORIGINS only).
export const PAGE_PORT = Number(process.env.PAGE_PORT || 18332);
export const PAGE_ORIGIN = `http://localhost:${PAGE_PORT}`;
// The machine is slow and shared: wait long for elements and responses, never sleep.
export const TIMEOUT = 60_000;
const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

export const report = { passed: 0, step: 0, shots: [], phase: 'starting' };

export function log(message) {
  console.log(`[oidc-test] ${message}`);
}

export function ok(message) {
  report.passed += 1;
  log(`ok: ${message}`);
}

export function expect(condition, message) {
  if (!condition) throw new Error(`expected: ${message}`);
  ok(message);
}

/** At most `max` characters of `value` (JSON unless a string). */
export function brief(value, max = 300) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text && text.length > max ? `${text.slice(0, max)}…` : String(text);
}

/** Saves OUT/oidc-NN-name.png of the page (the whole page). */
export async function shoot(page, name) {
  report.step += 1;
  const path = join(OUT, `oidc-${String(report.step).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path, fullPage: true, timeout: TIMEOUT });
  report.shots.push(path);
  log(`screenshot ${path}`);
}

/** METHOD PATH on the issuer from Node (`json` or `form` body, `token` a bearer). */
export function api(method, path, options = {}) {
  return request(ISSUER, method, path, { ...options, timeout: TIMEOUT });
}

function expectAnswer(answer, status, what) {
  if (answer.status !== status) {
    throw new Error(`expected: ${what} answers ${status} (got ${answer.status}: ${brief(answer.body)})`);
  }
}

/** A new account (POST /api/v1/users) and an access token of the password grant. */
export async function createAccount(kind) {
  const account = {
    username: `oidc_${kind}_${suffix}`,
    email: `oidc_${kind}_${suffix}@example.com`,
    password: `oidc-${kind}-pw-${suffix}`,
  };
  const created = await api('POST', '/api/v1/users', { json: account });
  expectAnswer(created, 201, `POST /api/v1/users (${account.username})`);
  const login = await api('POST', '/api/v1/token/access', {
    form: { grant_type: 'password', username: account.username, password: account.password },
  });
  expectAnswer(login, 200, `the password grant of ${account.username}`);
  ok(`account ${account.username} created (id ${created.body.id})`);
  return { ...account, id: created.body.id, token: login.body.access_token };
}

/**
 * Turns TOTP on for `account`: enrollTotp (the secret), then confirmTotp with the app's code.
 * Returns the app (an otpauth TOTP) and the code that confirmed it.
 */
export async function enrolTotp(account) {
  const enrolment = await api('POST', '/api/v1/mfa/totp', {
    json: { current_password: account.password },
    token: account.token,
  });
  expectAnswer(enrolment, 201, 'POST /api/v1/mfa/totp (enrollTotp)');
  const app = new TOTP({
    secret: Secret.fromBase32(enrolment.body.secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  });
  const confirmedWith = app.generate();
  const confirmed = await api('POST', '/api/v1/mfa/totp/confirm', {
    json: { code: confirmedWith },
    token: account.token,
  });
  expectAnswer(confirmed, 200, 'POST /api/v1/mfa/totp/confirm (confirmTotp)');
  ok(`TOTP is on for ${account.username} (${confirmed.body.recovery_codes.length} recovery codes)`);
  return { app, confirmedWith };
}

/** A code of the app the server has not seen: the current one, else the next step's. */
export function freshCode({ app, confirmedWith }) {
  const now = app.generate();
  return now !== confirmedWith ? now : app.generate({ timestamp: Date.now() + 30_000 });
}

/**
 * Registers an OAuth client with `manage clients create` (MANAGE_BIN, on the server's
 * database MANAGE_DATABASE_URL); { clientId, clientSecret }.
 */
export function registerClient({ name, type, redirectUris, postLogoutUris = [], scopes, firstParty }) {
  const bin = process.env.MANAGE_BIN;
  const databaseUrl = process.env.MANAGE_DATABASE_URL;
  if (!bin || !databaseUrl) throw new Error('MANAGE_BIN and MANAGE_DATABASE_URL are required');
  const args = ['clients', 'create', '--name', name, '--type', type];
  for (const uri of redirectUris) args.push('--redirect-uri', uri);
  for (const uri of postLogoutUris) args.push('--post-logout-redirect-uri', uri);
  for (const scope of scopes) args.push('--scope', scope);
  if (firstParty) args.push('--first-party');
  const output = execFileSync(bin, args, {
    env: { ...process.env, DATABASE_URL: databaseUrl, APP_ENV: 'test', RUST_LOG: 'error' },
    timeout: TIMEOUT,
  }).toString();
  const clientId = /^client_id: (\S+)$/m.exec(output)?.[1];
  const clientSecret = /^client_secret: (\S+)/m.exec(output)?.[1];
  if (!clientId) throw new Error(`manage clients create printed no client_id: ${output}`);
  ok(`manage clients create: ${type}${firstParty ? ' first-party' : ' third-party'} "${name}" ${clientId}`);
  return { clientId, clientSecret };
}

const escape = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/**
 * The relying party's web server on 127.0.0.1 (a port of its own): every path answers a
 * page listing its query parameters, so the screenshots show what came back.
 */
export async function startRelyingParty() {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const rows = [...url.searchParams]
      .map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v.length > 60 ? `${v.slice(0, 60)}…` : v)}</td></tr>`)
      .join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(
      `<!doctype html><html lang="en"><title>Relying party ${escape(url.pathname)}</title>` +
        '<style>body{font:14px system-ui;margin:24px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}</style>' +
        `<h1>Relying party: ${escape(url.pathname)}</h1><table>${rows}</table></html>`,
    );
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

/** The hosted page's response: never framed (X-Frame-Options DENY or frame-ancestors 'none'). */
export async function expectHostedHeaders(response, what) {
  const headers = await response.allHeaders();
  const xfo = headers['x-frame-options'];
  const csp = headers['content-security-policy'] || '';
  expect(
    xfo === 'DENY' || /frame-ancestors 'none'/.test(csp),
    `${what} forbids framing (X-Frame-Options ${xfo}; CSP ${csp})`,
  );
}

/** Every visible form control of the page has a label (or an aria-label/labelledby). */
export async function expectLabelled(page, what) {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
      .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')))
      .map((el) => el.name || el.id || el.outerHTML),
  );
  expect(unlabelled.length === 0, `every input of ${what} has a label (${unlabelled.join(', ') || 'none without'})`);
}

/** The ids of the controls Tab reaches first, from the top of the page. */
export async function tabOrder(page, count) {
  // A click on the page's empty top-left corner moves the focus (and where Tab starts from)
  // to the top of the document.
  await page.evaluate(() => document.activeElement?.blur());
  await page.mouse.click(1, 1);
  const order = [];
  for (let i = 0; i < count; i += 1) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName));
  }
  return order;
}

/** Which of `field`'s aria-describedby elements is an alert; its text. */
export async function describedAlert(page, selector) {
  return page.locator(selector).evaluate((field) => {
    const ids = (field.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    const alert = ids.map((id) => document.getElementById(id)).find((el) => el?.getAttribute('role') === 'alert');
    return { invalid: field.getAttribute('aria-invalid'), ids, text: alert?.textContent?.trim() };
  });
}

/** The browser session cookie on the issuer: `__Host-` on https, HttpOnly, SameSite=Lax. */
export async function expectSessionCookie(context) {
  const cookies = await context.cookies(ISSUER);
  const https = ISSUER.startsWith('https://');
  const session = cookies.find((c) => /accounts_session$/.test(c.name));
  const names = cookies.map((c) => c.name).join(', ');
  expect(session !== undefined, `a browser session cookie on ${ISSUER} (cookies: ${names})`);
  expect(session.httpOnly && session.sameSite === 'Lax', `${session.name} is HttpOnly, SameSite=Lax`);
  if (https) {
    expect(
      session.name.startsWith('__Host-') && session.secure && session.path === '/',
      `${session.name} has the __Host- prefix, Secure, Path=/`,
    );
  } else {
    // src/http/pages.rs: `__Host-` needs Secure, which the server sets only on https.
    log(`note: on plain http the session cookie is "${session.name}": no __Host- prefix (secure ${session.secure})`);
  }
  return session;
}
