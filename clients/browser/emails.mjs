// The e-mails as people get them, in headless Chromium (Debian's package, through
// playwright-core). Triggers through the API the e-mails of an English account's life
// (sign-up: welcome and confirmation; a new sign-in; a profile update; a password change; a
// reset request and the reset; two-step sign-in on, a recovery code used, off; an address
// change: the notice to the old address, the confirmation to the new one; the deletion) and of
// a German one (sign-up, a reset), all to a domain of this run's own, read from MailDev. Every
// e-mail: its HTML part as sent (decoded from MailDev's copy of the message) opened in
// Chromium, a full-page screenshot, and the checks: standards mode, UTF-8, the account's
// language; no sideways scrolling at 360 px; at most one `a.button` and one `a.written-link`,
// both or neither, with the same href, the written link's text that href; every http(s) link
// in the plain-text part too; and MailDev's own reading of the HTML holds the same links. The
// links are followed in Chromium: the confirmation and reset links on this test's pages
// (confirm.html, reset.html, served here on PAGE_ORIGIN), which post the token to the API
// cross-origin, the outcome then checked through the API (the address confirmed; the new
// password signs in); once by the button, once (the German account) by the written-out link.
// Other buttons (the product's home) are clicked, and their written links, too.
//
// Environment: BASE_URL (default http://127.0.0.1:18331), OUT (required: the screenshot
// folder), CHROMIUM (default: `chromium` on PATH), PAGE_PORT (default 18332; its origin
// http://localhost:PAGE_PORT in the server's CORS_ORIGINS), MAILDEV_URL (default
// http://127.0.0.1:1080: MailDev's web and REST API, the server sending to its SMTP port), and
// the server's own e-mail settings, which must be the server's: EMAIL_VERIFICATION_URL and
// PASSWORD_RESET_URL (on PAGE_ORIGIN: the pages served here), EMAIL_PRODUCT_URL and
// NEW_SIGNIN_SESSIONS_URL (on PAGE_ORIGIN: stand-in pages served here), EMAIL_PRODUCT_NAME.
// Exit status 0 when every check passed, 1 otherwise (with a failure screenshot).

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { chromium } from 'playwright-core';
import { request, servePages } from './http-support.mjs';

const BASE = (process.env.BASE_URL || 'http://127.0.0.1:18331').replace(/\/$/, '');
const OUT = process.env.OUT;
if (!OUT) throw new Error('OUT (the screenshot folder) is required');
mkdirSync(OUT, { recursive: true });
const CHROMIUM = process.env.CHROMIUM || execFileSync('which', ['chromium']).toString().trim();
const PAGE_PORT = Number(process.env.PAGE_PORT || 18332);
const PAGE_ORIGIN = `http://localhost:${PAGE_PORT}`;
const MAILDEV = (process.env.MAILDEV_URL || 'http://127.0.0.1:1080').replace(/\/$/, '');
function setting(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} (the server's setting) is required`);
  return value;
}
const CONFIRM_URL = setting('EMAIL_VERIFICATION_URL');
const RESET_URL = setting('PASSWORD_RESET_URL');
const PRODUCT_URL = setting('EMAIL_PRODUCT_URL');
const SESSIONS_URL = setting('NEW_SIGNIN_SESSIONS_URL');
const PRODUCT_NAME = setting('EMAIL_PRODUCT_NAME');
for (const [name, url] of Object.entries({ CONFIRM_URL, RESET_URL, PRODUCT_URL, SESSIONS_URL })) {
  if (new URL(url).origin !== PAGE_ORIGIN) {
    throw new Error(`${name} ${url} is not on ${PAGE_ORIGIN}`);
  }
}

// The pages the links lead to, by path: this test's confirmation and reset pages, and
// stand-ins for the product's home and its session list (a title the test looks for).
const STAND_IN = (title) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
  `<link rel="icon" href="data:,"></head><body style="font:16px system-ui;margin:32px">` +
  `<h1>${title}</h1><p>A stand-in page of the e-mail test.</p></body></html>`;
const PAGES = new Map([
  [new URL(CONFIRM_URL).pathname, readFileSync(new URL('./confirm.html', import.meta.url))],
  [new URL(RESET_URL).pathname, readFileSync(new URL('./reset.html', import.meta.url))],
  [new URL(PRODUCT_URL).pathname, STAND_IN(`${PRODUCT_NAME} home`)],
  [new URL(SESSIONS_URL).pathname, STAND_IN(`${PRODUCT_NAME} sessions`)],
]);
const TITLES = new Map([
  [new URL(PRODUCT_URL).href, `${PRODUCT_NAME} home`],
  [new URL(SESSIONS_URL).href, `${PRODUCT_NAME} sessions`],
]);

// The machine is slow and shared: wait long for elements and responses; MailDev is polled.
const TIMEOUT = 60_000;
const MAIL_WAIT = 30_000;
const suffix = `${Date.now().toString(36)}${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
// A domain of this run's own: older messages in MailDev never match.
const DOMAIN = `emails-${suffix}.test`;

let passed = 0;
let phase = 'starting';
const shots = [];
const offsite = new Set();
const pageErrors = [];
const checked = new Map(); // MailDev id -> what was checked (label, subject)
let followed = 0; // links followed in Chromium

function log(message) {
  console.log(`[email-test] ${message}`);
}

function ok(message) {
  passed += 1;
  log(`ok: ${message}`);
}

function expect(condition, message) {
  if (!condition) throw new Error(`expected: ${message}`);
  ok(message);
}

function brief(value, max = 300) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text && text.length > max ? `${text.slice(0, max)}…` : String(text);
}

/** Saves OUT/email-NN-name.png of the page (the whole page). */
async function shoot(page, name) {
  const path = join(OUT, `email-${String(shots.length + 1).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path, fullPage: true, timeout: TIMEOUT });
  shots.push(path);
  log(`screenshot ${path}`);
}

/** A file-name piece of a subject: lower case ASCII words joined by dashes. */
function slug(text) {
  const ascii = text
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return ascii.slice(0, 60).replace(/-$/, '') || 'no-subject';
}

/** METHOD PATH on the API from Node (`json` or `form` body, `token` a bearer). */
function api(method, path, options = {}) {
  return request(BASE, method, path, { ...options, timeout: TIMEOUT });
}

function expectStatus(answer, expected, what) {
  expect(
    answer.status === expected,
    `${what} answered ${expected}` +
      (answer.status === expected ? '' : ` (got ${answer.status}: ${brief(answer.body)})`),
  );
}

/** A password login (the password grant); returns the access token. */
async function login(account, password = account.password, userAgent = undefined) {
  const answer = await api('POST', '/api/v1/token/access', {
    form: { grant_type: 'password', username: account.username, password },
    userAgent,
  });
  expectStatus(answer, 200, `log in as ${account.username}${userAgent ? ` (${userAgent})` : ''}`);
  return answer.body.access_token;
}

// ---- MailDev ------------------------------------------------------------------------------

/** The messages MailDev holds for `address`, oldest first. */
async function inbox(address) {
  const url = `${MAILDEV}/api/email?to.address=${encodeURIComponent(address)}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT) });
  if (!response.ok) throw new Error(`MailDev answered ${response.status} to GET ${url}`);
  const list = await response.json();
  if (!Array.isArray(list)) throw new Error(`MailDev's GET ${url} is not a list`);
  // Filtered again here: the query filter is MailDev 3's.
  return list.filter((mail) => (mail.to || []).some((to) => to.address === address));
}

/** Waits for `count` messages to `address` not checked yet; returns every unchecked one. */
async function newMail(address, count, what) {
  const deadline = Date.now() + MAIL_WAIT;
  for (;;) {
    const fresh = (await inbox(address)).filter((mail) => !checked.has(mail.id));
    if (fresh.length >= count) {
      const subjects = fresh.map((mail) => `"${mail.subject}"`).join(', ');
      ok(`${what}: ${fresh.length} e-mail(s) to ${address} (${subjects})`);
      return fresh;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `expected: ${what}: ${count} new e-mail(s) to ${address} within ${MAIL_WAIT / 1000} s, ` +
          `${fresh.length} arrived`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Splits a MIME entity (a binary string) into headers (lower-case names) and body. */
function parseEntity(raw) {
  const blank = /\r?\n\r?\n/.exec(raw);
  const head = blank ? raw.slice(0, blank.index) : raw;
  const body = blank ? raw.slice(blank.index + blank[0].length) : '';
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) {
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
  }
  const [type, ...params] = (headers['content-type'] || 'text/plain').split(';');
  const param = (name) => {
    const found = params.map((p) => p.trim()).find((p) => p.toLowerCase().startsWith(`${name}=`));
    return found ? found.slice(name.length + 1).replace(/^"|"$/g, '') : undefined;
  };
  return { headers, type: type.trim().toLowerCase(), param, body };
}

/** The leaf parts of a message: [{ type, text }], each decoded to a string. */
function leafParts(raw) {
  const entity = parseEntity(raw);
  if (entity.type.startsWith('multipart/')) {
    const boundary = entity.param('boundary');
    if (!boundary) throw new Error(`a ${entity.type} part without a boundary`);
    const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pieces = entity.body.split(new RegExp(`\\r?\\n?--${escaped}`));
    // Before the first delimiter: the preamble; from the closing one ("--"): the epilogue.
    const parts = pieces.slice(1).filter((piece) => !piece.startsWith('--'));
    return parts.flatMap((part) => leafParts(part.replace(/^[ \t]*\r?\n/, '')));
  }
  const encoding = (entity.headers['content-transfer-encoding'] || '7bit').toLowerCase();
  let bytes;
  if (encoding === 'base64') {
    bytes = Buffer.from(entity.body.replace(/\s+/g, ''), 'base64');
  } else if (encoding === 'quoted-printable') {
    const decoded = entity.body
      .replace(/[ \t]+(\r?\n)/g, '$1')
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
    bytes = Buffer.from(decoded, 'latin1');
  } else {
    bytes = Buffer.from(entity.body, 'latin1');
  }
  const charset = (entity.param('charset') || 'us-ascii').toLowerCase();
  const text = new TextDecoder(charset === 'us-ascii' ? 'utf-8' : charset).decode(bytes);
  return [{ type: entity.type, text }];
}

/** The message as the server sent it (MailDev keeps the source): its HTML and text parts. */
async function sentParts(id) {
  const url = `${MAILDEV}/api/email/${id}/source`;
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT) });
  if (!response.ok) throw new Error(`MailDev answered ${response.status} to GET ${url}`);
  const raw = Buffer.from(await response.arrayBuffer()).toString('latin1');
  const parts = leafParts(raw);
  return {
    html: parts.find((part) => part.type === 'text/html')?.text,
    text: parts.find((part) => part.type === 'text/plain')?.text,
  };
}

// ---- the test's pages ---------------------------------------------------------------------

const sent = new Map(); // MailDev id -> the HTML part as sent, served at /mail/<id>

/** Serves the link targets (PAGES) and the e-mails' HTML (/mail/<id>) on PAGE_PORT. */
function startPageServer() {
  return servePages(PAGE_PORT, (path) => {
    const mail = /^\/mail\/([^/]+)$/.exec(path);
    return mail ? sent.get(mail[1]) : PAGES.get(path);
  });
}

// ---- the checks of one e-mail -------------------------------------------------------------

let context;
let mailTab;

/** What the page shows of the links: the buttons and written links, every http(s) href. */
function readLinks(html) {
  const doc = html === undefined ? document : new DOMParser().parseFromString(html, 'text/html');
  const visible = (element) => {
    if (html !== undefined) return true;
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== 'hidden';
  };
  const list = (selector) =>
    [...doc.querySelectorAll(selector)].map((a) => ({
      href: a.getAttribute('href'),
      text: a.textContent.trim(),
      target: a.getAttribute('target'),
      visible: visible(a),
    }));
  return {
    buttons: list('a.button'),
    written: list('a.written-link'),
    hrefs: [...doc.querySelectorAll('a[href]')]
      .map((a) => a.getAttribute('href'))
      .filter((href) => /^https?:/i.test(href)),
    compatMode: doc.compatMode,
    charset: doc.characterSet,
    lang: doc.documentElement.lang,
    title: doc.title,
  };
}

/**
 * Opens one e-mail (MailDev message `mail`, to the account `who`) in the mail tab, takes its
 * screenshot and checks it. Returns its link (the button's href, or undefined).
 */
async function checkMail(mail, who) {
  const what = `${who.label} "${mail.subject}"`;
  phase = `check the e-mail ${what}`;
  checked.set(mail.id, { label: who.label, subject: mail.subject });
  const parts = await sentParts(mail.id);
  expect(
    typeof parts.html === 'string' && typeof parts.text === 'string',
    `${what} has an HTML and a plain-text part`,
  );
  const words = (text) => text.replace(/\s+/g, ' ').trim();
  expect(
    words(parts.text) === words(mail.text || ''),
    `${what}: the plain-text part decoded here is MailDev's (${brief(words(mail.text || ''), 60)})`,
  );
  sent.set(mail.id, parts.html);
  await mailTab.setViewportSize({ width: 800, height: 900 });
  const response = await mailTab.goto(`${PAGE_ORIGIN}/mail/${mail.id}`, { waitUntil: 'load' });
  expect(response?.status() === 200, `${what} opens in Chromium`);
  const page = await mailTab.evaluate(readLinks);
  await shoot(mailTab, `${who.label}-${slug(mail.subject)}`);

  expect(
    page.compatMode === 'CSS1Compat' && page.charset === 'UTF-8',
    `${what} renders in standards mode as UTF-8 (${page.compatMode}, ${page.charset})`,
  );
  expect(page.lang === who.locale, `${what} is in the account's language (lang "${page.lang}")`);
  expect(page.title === PRODUCT_NAME, `${what} names the product in its title ("${page.title}")`);

  // The action: a button and, right below it, the same link written out; both or neither.
  const { buttons, written } = page;
  let link;
  if (buttons.length || written.length) {
    expect(
      buttons.length === 1 && written.length === 1,
      `${what} has one a.button and one a.written-link (${buttons.length} and ${written.length})`,
    );
    const [button, writtenLink] = [buttons[0], written[0]];
    link = button.href;
    expect(
      /^https?:\/\//.test(link) && writtenLink.href === link,
      `${what}: the button and the written-out link go to the same URL (${brief(link, 120)})` +
        (writtenLink.href === link ? '' : `, not ${brief(writtenLink.href, 120)}`),
    );
    expect(
      writtenLink.text === link,
      `${what}: the written-out link's text is its URL` +
        (writtenLink.text === link ? '' : ` (text "${brief(writtenLink.text, 120)}")`),
    );
    expect(
      button.visible && writtenLink.visible && button.text.length > 0,
      `${what}: the button ("${button.text}") and the written link are visible`,
    );
  } else {
    log(`${what} has no button`);
  }
  // Every web link of the HTML is in the plain text, as a word of its own.
  const textWords = new Set(parts.text.split(/\s+/));
  const missing = [...new Set(page.hrefs)].filter((href) => !textWords.has(href));
  expect(
    missing.length === 0,
    `${what}: the plain-text part has every http(s) link of the HTML ` +
      `(${page.hrefs.length} links${missing.length ? `; missing ${missing.join(', ')}` : ''})`,
  );
  // MailDev's own reading of the HTML (sanitized: what its web view shows) has the same links.
  const maildev = await mailTab.evaluate(readLinks, mail.html || '');
  const linksOf = (view) =>
    JSON.stringify([view.buttons.map((b) => b.href), view.written.map((w) => w.href), view.hrefs]);
  expect(
    linksOf(maildev) === linksOf(page),
    `${what}: MailDev's copy of the HTML has the same links`,
  );
  // Narrow screens: nothing wider than a phone's 360 CSS pixels.
  await mailTab.setViewportSize({ width: 360, height: 740 });
  const overflow = await mailTab.evaluate(() => document.documentElement.scrollWidth);
  expect(overflow <= 360, `${what} fits a 360 px wide screen (content ${overflow} px wide)`);
  await mailTab.setViewportSize({ width: 800, height: 900 });
  return link;
}

/** Clicks `selector` (a link with target=_blank) in the mail tab; returns the new tab. */
async function follow(selector, href, what) {
  phase = `follow the ${selector} of ${what}`;
  const [tab] = await Promise.all([
    context.waitForEvent('page'),
    mailTab.locator(selector).click(),
  ]);
  tab.on('pageerror', (error) => pageErrors.push(String(error)));
  await tab.waitForLoadState('load');
  followed += 1;
  expect(
    tab.url() === new URL(href).href,
    `${what}: the ${selector} opens ${brief(href, 120)} in a new tab`,
  );
  return tab;
}

/** Clicks the button and the written link of a mail whose link leads to a stand-in page. */
async function followPlainLinks(link, what) {
  const title = TITLES.get(new URL(link).href);
  for (const selector of ['a.button', 'a.written-link']) {
    const tab = await follow(selector, link, what);
    const shown = await tab.title();
    expect(
      title !== undefined && shown === title,
      `${what}: the ${selector}'s page opens ("${shown}")`,
    );
    await tab.close();
  }
}

/** What a confirmation or reset page says once it has had the API's answer. */
async function outcome(tab) {
  await tab.locator('body:not([data-outcome="pending"])').waitFor();
  return {
    state: await tab.locator('body').getAttribute('data-outcome'),
    shown: await tab.locator('#outcome').innerText(),
  };
}

/** Follows a confirmation link (by `selector`) and checks through the API it confirmed. */
async function useConfirmation(link, selector, who, what) {
  expect(link?.startsWith(CONFIRM_URL), `${what} links to the confirmation page`);
  const tab = await follow(selector, link, what);
  const { state, shown } = await outcome(tab);
  await shoot(tab, `${who.label}-confirm-page`);
  expect(state === 'confirmed', `the confirmation page posted the token: "${shown}"`);
  await tab.close();
  const token = await login(who.account);
  const me = await api('GET', '/api/v1/users', { token });
  expectStatus(me, 200, 'GET /api/v1/users');
  expect(
    me.body?.email === who.address && me.body?.email_verified === true,
    `GET /api/v1/users shows ${who.address} confirmed (email_verified ${me.body?.email_verified})`,
  );
  return token;
}

/** Follows a reset link (by `selector`), sets `newPassword` there, checks it signs in. */
async function useReset(link, selector, who, newPassword, what) {
  expect(link?.startsWith(RESET_URL), `${what} links to the reset page`);
  const tab = await follow(selector, link, what);
  await tab.getByLabel('New password').fill(newPassword);
  await tab.getByRole('button', { name: 'Set new password' }).click();
  const { state, shown } = await outcome(tab);
  await shoot(tab, `${who.label}-reset-page`);
  expect(state === 'reset', `the reset page posted the token and the new password: "${shown}"`);
  await tab.close();
  const { username, password } = who.account;
  const old = await api('POST', '/api/v1/token/access', {
    form: { grant_type: 'password', username, password },
  });
  expectStatus(old, 401, 'a log in with the old password');
  who.account.password = newPassword;
  return login(who.account);
}

/** Checks every e-mail in `mails` for `who`; returns the links of the ones that have one. */
async function checkAll(mails, who) {
  const links = [];
  for (const mail of mails) {
    const link = await checkMail(mail, who);
    links.push({ mail, link });
  }
  return links;
}

/** Checks `mails`; clicks through every button that leads to a stand-in page. */
async function checkNotices(mails, who) {
  const links = await checkAll(mails, who);
  for (const { mail, link } of links) {
    if (link === undefined || !TITLES.has(new URL(link).href)) continue;
    await mailTab.goto(`${PAGE_ORIGIN}/mail/${mail.id}`, { waitUntil: 'load' });
    await followPlainLinks(link, `${who.label} "${mail.subject}"`);
  }
  return links;
}

/** The one mail of `links` whose link starts with `page`, opened in the mail tab. */
async function openMailLinkingTo(links, page, what) {
  const found = links.filter(({ link }) => link?.startsWith(page));
  expect(found.length === 1, `${what}: one e-mail links to ${page} (${found.length})`);
  await mailTab.goto(`${PAGE_ORIGIN}/mail/${found[0].mail.id}`, { waitUntil: 'load' });
  return found[0];
}

// ---- the run ------------------------------------------------------------------------------

const started = Date.now();
let browser;
let pageServer;
let failed = false;
const strong = (word) => `${word}-Lantern-${suffix}-Harbor`;
const en = {
  label: 'en',
  locale: 'en',
  address: `mail_en_${suffix}@${DOMAIN}`,
  account: { username: `mail_en_${suffix}`, password: strong('Plum') },
};
// The longest local part an address may have (64): one unbreakable word on a 360 px screen.
const enNew = {
  ...en,
  label: 'en-new',
  address: `${`mail_en_new_${suffix}_`.padEnd(64, 'x')}@${DOMAIN}`,
};
const de = {
  label: 'de',
  locale: 'de',
  address: `mail_de_${suffix}@${DOMAIN}`,
  account: { username: `mail_de_${suffix}`, password: strong('Pflaume') },
};
try {
  pageServer = await startPageServer();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: TIMEOUT,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  context = await browser.newContext({ viewport: { width: 800, height: 900 } });
  context.setDefaultTimeout(TIMEOUT);
  context.setDefaultNavigationTimeout(TIMEOUT);
  // The e-mails and the pages they lead to load nothing from elsewhere: any other host is
  // refused at once and fails the run.
  const allowed = new Set([new URL(BASE).host, new URL(PAGE_ORIGIN).host, new URL(MAILDEV).host]);
  await context.route(
    (url) => !allowed.has(url.host),
    (route) => {
      offsite.add(new URL(route.request().url()).origin);
      return route.abort('blockedbyclient');
    },
  );
  mailTab = await context.newPage();
  mailTab.on('pageerror', (error) => pageErrors.push(String(error)));
  log(`accounts at @${DOMAIN}; MailDev ${MAILDEV}; pages on ${PAGE_ORIGIN}`);

  // 1. Sign-up (English): the welcome e-mail and the confirmation; the button confirms.
  phase = '1. sign up (en)';
  const signUp = await api('POST', '/api/v1/users', {
    json: { ...en.account, email: en.address, locale: 'en' },
  });
  expectStatus(signUp, 201, 'POST /api/v1/users (en)');
  let links = await checkNotices(await newMail(en.address, 2, 'sign-up'), en);
  let { link } = await openMailLinkingTo(links, CONFIRM_URL, 'sign-up');
  let token = await useConfirmation(link, 'a.button', en, `en confirmation (button)`);

  // 2. A sign-in from another browser: the new-sign-in notice (its link: the session list).
  phase = '2. new sign-in (en)';
  const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0';
  await login(en.account, en.account.password, firefox);
  await checkNotices(await newMail(en.address, 1, 'a sign-in from another browser'), en);

  // 3. A profile update (the username).
  phase = '3. profile update (en)';
  const renamed = `${en.account.username}_x`;
  const patched = await api('PATCH', '/api/v1/users', { json: { username: renamed }, token });
  expectStatus(patched, 200, 'PATCH /api/v1/users {username}');
  en.account.username = renamed;
  await checkNotices(await newMail(en.address, 1, 'a profile update'), en);

  // 4. A password change.
  phase = '4. password change (en)';
  const changedTo = strong('Quince');
  const changed = await api('PUT', '/api/v1/users/password', {
    json: { current_password: en.account.password, new_password: changedTo },
    token,
  });
  expectStatus(changed, 204, 'PUT /api/v1/users/password');
  en.account.password = changedTo;
  await checkNotices(await newMail(en.address, 1, 'a password change'), en);

  // 5. A password reset: the request's e-mail, its button, the reset page; then the notice.
  phase = '5. password reset (en)';
  const requested = await api('POST', '/api/v1/password-reset', { json: { email: en.address } });
  expectStatus(requested, 202, 'POST /api/v1/password-reset (en)');
  links = await checkNotices(await newMail(en.address, 1, 'a reset request'), en);
  ({ link } = await openMailLinkingTo(links, RESET_URL, 'reset request'));
  token = await useReset(link, 'a.button', en, strong('Rhubarb'), 'en reset (button)');
  await checkNotices(await newMail(en.address, 1, 'the reset'), en);

  // 6. Two-step sign-in: on, a recovery code used to sign in, off (confirmed by another).
  phase = '6. two-step sign-in (en)';
  const enrolment = await api('POST', '/api/v1/mfa/totp', {
    json: { current_password: en.account.password },
    token,
  });
  expectStatus(enrolment, 201, 'POST /api/v1/mfa/totp');
  const secret = Secret.fromBase32(enrolment.body.secret);
  const app = new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 });
  const enabled = await api('POST', '/api/v1/mfa/totp/confirm', {
    json: { code: app.generate() },
    token,
  });
  expectStatus(enabled, 200, 'POST /api/v1/mfa/totp/confirm');
  const codes = enabled.body.recovery_codes;
  await checkNotices(await newMail(en.address, 1, 'two-step sign-in on'), en);
  const challenge = await api('POST', '/api/v1/token/access', {
    form: { grant_type: 'password', username: en.account.username, password: en.account.password },
  });
  expectStatus(challenge, 401, 'a password log in with two-step sign-in on (mfa-required)');
  const second = await api('POST', '/api/v1/token/access', {
    form: {
      grant_type: 'urn:accounts-api:params:oauth:grant-type:mfa',
      mfa_token: challenge.body.mfa_token,
      recovery_code: codes[0],
    },
  });
  expectStatus(second, 200, 'the second step with a recovery code');
  token = second.body.access_token;
  await checkNotices(await newMail(en.address, 1, 'a recovery code used'), en);
  const off = await api('DELETE', '/api/v1/mfa/totp', {
    json: { current_password: en.account.password, code: codes[1] },
    token,
  });
  expectStatus(off, 204, 'DELETE /api/v1/mfa/totp (with a recovery code)');
  await checkNotices(await newMail(en.address, 2, 'two-step sign-in off (a code used)'), en);

  // 7. An address change: the notice to the old address, the confirmation to the new one
  // (its button confirms the new address).
  phase = '7. e-mail change (en)';
  const moved = await api('PATCH', '/api/v1/users', {
    json: { email: enNew.address, current_password: en.account.password },
    token,
  });
  expectStatus(moved, 200, 'PATCH /api/v1/users {email}');
  await checkNotices(await newMail(en.address, 1, 'the address change (old address)'), en);
  links = await checkNotices(
    await newMail(enNew.address, 2, 'the address change (new address)'),
    enNew,
  );
  ({ link } = await openMailLinkingTo(links, CONFIRM_URL, 'the address change'));
  token = await useConfirmation(link, 'a.button', enNew, 'en new-address confirmation (button)');

  // 8. The account's deletion.
  phase = '8. account deletion (en)';
  const deleted = await api('DELETE', '/api/v1/users', {
    json: { password: en.account.password },
    token,
  });
  expectStatus(deleted, 200, 'DELETE /api/v1/users (the deleted account)');
  const gone = await api('GET', '/api/v1/users', { token });
  expectStatus(gone, 401, 'GET /api/v1/users with the deleted account\'s token');
  await checkNotices(await newMail(enNew.address, 1, 'the deletion'), enNew);

  // 9. A German account: its e-mails in German; the written-out links confirm and reset.
  phase = '9. sign up (de)';
  const signUpDe = await api('POST', '/api/v1/users', {
    json: { ...de.account, email: de.address, locale: 'de' },
  });
  expectStatus(signUpDe, 201, 'POST /api/v1/users (de)');
  expect(signUpDe.body?.locale === 'de', `the account's locale is "de" (${signUpDe.body?.locale})`);
  links = await checkNotices(await newMail(de.address, 2, 'sign-up (de)'), de);
  ({ link } = await openMailLinkingTo(links, CONFIRM_URL, 'sign-up (de)'));
  await useConfirmation(link, 'a.written-link', de, 'de confirmation (written-out link)');
  phase = '10. password reset (de)';
  const requestedDe = await api('POST', '/api/v1/password-reset', { json: { email: de.address } });
  expectStatus(requestedDe, 202, 'POST /api/v1/password-reset (de)');
  links = await checkNotices(await newMail(de.address, 1, 'a reset request (de)'), de);
  ({ link } = await openMailLinkingTo(links, RESET_URL, 'reset request (de)'));
  await useReset(link, 'a.written-link', de, strong('Holunder'), 'de reset (written-out link)');
  await checkNotices(await newMail(de.address, 1, 'the reset (de)'), de);

  // 11. Whatever else came for these addresses is checked too; none is left unchecked.
  phase = '11. every e-mail of the run';
  for (const who of [en, enNew, de]) {
    const rest = (await inbox(who.address)).filter((mail) => !checked.has(mail.id));
    if (rest.length) log(`${rest.length} more e-mail(s) to ${who.address}: checking them too`);
    await checkNotices(rest, who);
  }
  const all = (await Promise.all([en, enNew, de].map((who) => inbox(who.address)))).flat();
  expect(
    all.length === checked.size && all.every((mail) => checked.has(mail.id)),
    `every e-mail of the run was checked (${checked.size} of ${all.length})`,
  );
} catch (error) {
  failed = true;
  console.error(`[email-test] FAILED in step ${phase}: ${error.stack || error}`);
  const current = context?.pages().at(-1);
  if (current) {
    const path = join(OUT, 'email-failure.png');
    await current.screenshot({ path, fullPage: true }).then(
      () => {
        shots.push(path);
        console.error(`[email-test] screenshot ${path}`);
      },
      () => {},
    );
  }
} finally {
  if (browser) await browser.close().catch(() => {});
  if (pageServer) await new Promise((resolve) => pageServer.close(resolve));
}

let offsiteFailed = false;
if (offsite.size) {
  const hosts = [...offsite].join(', ');
  console.error(`[email-test] FAIL the e-mails or pages asked another host: ${hosts}`);
  offsiteFailed = true;
}
if (pageErrors.length) log(`page errors: ${pageErrors.join(' | ')}`);
const byLabel = {};
for (const { label } of checked.values()) byLabel[label] = (byLabel[label] || 0) + 1;
const seconds = ((Date.now() - started) / 1000).toFixed(1);
const perAccount = Object.entries(byLabel)
  .map(([label, count]) => `${label} ${count}`)
  .join(', ');
console.log(
  `e-mails checked: ${checked.size} (${perAccount}), links followed in Chromium: ${followed}, ` +
    `screenshots written: ${shots.length} in ${OUT} (${seconds} s)`,
);
const failures = (failed ? 1 : 0) + (offsiteFailed ? 1 : 0);
console.log(`e-mail checks: ${passed} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
