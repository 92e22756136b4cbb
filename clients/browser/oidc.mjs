// The OpenID Provider end to end, with a certified relying-party library (openid-client) and
// a real browser (Debian's Chromium through playwright-core): discovery; a first-party public
// client's code flow with PKCE S256 through the hosted sign-in page (a wrong password first),
// the code exchange that validates the id_token, userinfo, the refresh grant, RP-initiated
// logout; an account with TOTP through the hosted second step; a third-party confidential
// client (client_secret_basic) through the consent page, remembered, then denied; last, a
// passkey sign-in on the hosted page (oidc-passkey.mjs). A screenshot per step in OUT.
//
// Environment: ISSUER (default http://localhost:18331: the server's issuer, JWT_ISSUER unset),
// OUT (required), MANAGE_BIN and MANAGE_DATABASE_URL (the manage CLI and the server's
// database: it registers the clients), CHROMIUM, PAGE_PORT (default 18332: passkey.html's
// port; http://localhost:PAGE_PORT and the issuer must be in WEBAUTHN_ORIGINS, the page's
// origin in CORS_ORIGINS). Exit status 0 when every step passed, 1 otherwise (with a failure screenshot).

import { chromium } from 'playwright-core';
import {
  authorize,
  backAt,
  client,
  discover,
  exchange,
  expectSecondStep,
  expectSignInPage,
  onHosted,
  submitCode,
  submitSignIn,
  wrongPassword,
} from './oidc-flow.mjs';
import { passkeyStep } from './oidc-passkey.mjs';
import {
  CHROMIUM,
  ISSUER,
  TIMEOUT,
  createAccount,
  enrolTotp,
  expect,
  expectHostedHeaders,
  expectSessionCookie,
  freshCode,
  log,
  registerClient,
  report,
  shoot,
  startRelyingParty,
} from './oidc-support.mjs';

const SPA_SCOPE = 'openid profile email offline_access';
const REPORTS_SCOPE = 'openid profile email';

let browser;
let page;
let rp;
let failed = false;
const started = Date.now();
try {
  rp = await startRelyingParty();
  const callback = `${rp.origin}/callback`;
  const signedOut = `${rp.origin}/signed-out`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: TIMEOUT,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  /** A fresh browser (cookies of its own) and its one tab. */
  const newBrowser = async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 760 } });
    context.setDefaultTimeout(TIMEOUT);
    context.setDefaultNavigationTimeout(TIMEOUT);
    page = await context.newPage();
    return { context, page };
  };

  // 1. Discovery: openid-client reads the issuer's configuration (http: allowed explicitly).
  report.phase = '1. discovery';
  const spa = registerClient({
    name: 'OIDC browser SPA',
    type: 'public',
    redirectUris: [callback],
    postLogoutUris: [signedOut],
    scopes: SPA_SCOPE.split(' '),
    firstParty: true,
  });
  const reports = registerClient({
    name: 'OIDC browser Reports',
    type: 'confidential',
    redirectUris: [callback],
    scopes: REPORTS_SCOPE.split(' '),
    firstParty: false,
  });
  const spaConfig = await discover(
    spa.clientId,
    { redirect_uris: [callback], token_endpoint_auth_method: 'none' },
    client.None(),
  );
  const reportsConfig = await discover(
    reports.clientId,
    { redirect_uris: [callback], token_endpoint_auth_method: 'client_secret_basic' },
    client.ClientSecretBasic(reports.clientSecret),
  );
  const metadata = spaConfig.serverMetadata();
  expect(metadata.issuer === ISSUER, `discovery names the issuer ${metadata.issuer}`);
  expect(
    metadata.code_challenge_methods_supported?.includes('S256') &&
      metadata.authorization_response_iss_parameter_supported === true,
    'S256 and the iss response parameter are supported',
  );
  let { page: tab, context } = await newBrowser();
  await tab.goto(`${ISSUER}/.well-known/openid-configuration`, { waitUntil: 'load' });
  await shoot(tab, 'discovery');

  // 2. The first-party public client: sign in with a password, no consent page.
  report.phase = '2. public client: password sign-in, tokens, userinfo, refresh, logout';
  const alice = await createAccount('pwd');
  let flow = await authorize(tab, spaConfig, { redirectUri: callback, scope: SPA_SCOPE });
  await expectSignInPage(tab, flow.response);
  await shoot(tab, 'sign-in-page');
  await wrongPassword(tab, alice);
  await shoot(tab, 'sign-in-wrong-password');
  await submitSignIn(tab, alice.username, alice.password);
  let back = await backAt(tab, rp.origin, '/callback');
  expect(
    back.searchParams.has('code') && back.searchParams.get('state') === flow.checks.expectedState,
    `back on the redirect URI with code and state (iss ${back.searchParams.get('iss')})`,
  );
  await shoot(tab, 'spa-callback');
  await expectSessionCookie(context);
  let { tokens, claims } = await exchange(spaConfig, back, flow.checks);
  expect(claims.sub === alice.id && typeof claims.sid === 'string', `sub is the account, sid ${claims.sid}`);
  expect(Array.isArray(claims.amr) && claims.amr.includes('pwd'), `amr contains "pwd" (${JSON.stringify(claims.amr)})`);
  expect(typeof tokens.refresh_token === 'string', 'offline_access gave a refresh token');
  const info = await client.fetchUserInfo(spaConfig, tokens.access_token, claims.sub);
  expect(
    info.sub === alice.id && info.email === alice.email && info.preferred_username === alice.username,
    `fetchUserInfo: ${JSON.stringify(info)}`,
  );
  const renewed = await client.refreshTokenGrant(spaConfig, tokens.refresh_token);
  expect(
    typeof renewed.access_token === 'string' && renewed.refresh_token !== tokens.refresh_token,
    `refreshTokenGrant: a new access token and a rotated refresh token (scope "${renewed.scope}")`,
  );
  const afterRefresh = await client.fetchUserInfo(spaConfig, renewed.access_token, claims.sub);
  expect(afterRefresh.sub === alice.id, 'the refreshed access token reads userinfo');
  const bye = client.randomState();
  const logout = client.buildEndSessionUrl(spaConfig, {
    id_token_hint: tokens.id_token,
    post_logout_redirect_uri: signedOut,
    state: bye,
  });
  await tab.goto(logout.href, { waitUntil: 'load' });
  back = await backAt(tab, rp.origin, '/signed-out');
  expect(back.searchParams.get('state') === bye, `RP-initiated logout lands on ${signedOut} with state`);
  const left = (await context.cookies(ISSUER)).filter((c) => /accounts_session$/.test(c.name));
  expect(left.length === 0, 'the browser session cookie is gone');
  await shoot(tab, 'spa-signed-out');
  flow = await authorize(tab, spaConfig, { redirectUri: callback, scope: 'openid', prompt: 'none' });
  back = await backAt(tab, rp.origin, '/callback');
  expect(back.searchParams.get('error') === 'login_required', 'after logout, prompt=none answers login_required');
  await context.close();

  // 3. Password, then TOTP on the hosted second step.
  report.phase = '3. password + TOTP';
  ({ page: tab, context } = await newBrowser());
  const bob = await createAccount('totp');
  const totp = await enrolTotp(bob);
  flow = await authorize(tab, spaConfig, { redirectUri: callback, scope: 'openid profile' });
  await expectSignInPage(tab, flow.response);
  const second = await submitSignIn(tab, bob.username, bob.password);
  await expectSecondStep(tab, second);
  await shoot(tab, 'second-step');
  const refused = await submitCode(tab, totp.app.generate() === '000000' ? '111111' : '000000');
  expect(refused.status() === 200, 'a wrong code answers the second step again');
  await tab.locator('#code-error').waitFor({ state: 'visible' });
  const tied = await tab.locator('#code').evaluate((el) => ({
    describedBy: el.getAttribute('aria-describedby'),
    invalid: el.getAttribute('aria-invalid'),
  }));
  expect(
    tied.invalid === 'true' && tied.describedBy?.split(' ').includes('code-error'),
    `the code field is aria-invalid and aria-describedby its error (${tied.describedBy})`,
  );
  await shoot(tab, 'second-step-wrong-code');
  await submitCode(tab, freshCode(totp));
  back = await backAt(tab, rp.origin, '/callback');
  ({ claims } = await exchange(spaConfig, back, flow.checks));
  expect(claims.sub === bob.id, 'the id_token is the TOTP account');
  expect(claims.amr?.includes('pwd') && claims.amr?.includes('otp'), `amr includes "pwd" and "otp": ${JSON.stringify(claims.amr)}`);
  await shoot(tab, 'totp-callback');
  await context.close();

  // 4. A third-party confidential client: consent, remembered, and a denial.
  report.phase = '4. third-party client: consent';
  ({ page: tab, context } = await newBrowser());
  const carol = await createAccount('consent');
  flow = await authorize(tab, reportsConfig, { redirectUri: callback, scope: REPORTS_SCOPE });
  await expectSignInPage(tab, flow.response);
  const consentResponse = tab.waitForResponse(
    (r) => r.request().method() === 'GET' && new URL(r.url()).pathname === '/oauth2/consent',
  );
  await submitSignIn(tab, carol.username, carol.password);
  await expectHostedHeaders(await consentResponse, 'the consent page');
  await tab.getByRole('button', { name: 'Allow' }).waitFor({ state: 'visible' });
  expect(onHosted(tab, '/oauth2/consent'), 'after the sign-in, the consent page');
  const listed = await tab.locator('main li').allInnerTexts();
  const heading = await tab.locator('h1').innerText();
  expect(heading.includes('OIDC browser Reports'), `the consent page names the client: "${heading}"`);
  expect(
    ["Your account's identifier", 'Your username', 'Your e-mail address'].every((s) => listed.includes(s)),
    `the consent page lists the scopes: ${listed.join('; ')}`,
  );
  await shoot(tab, 'consent-page');
  await tab.getByRole('button', { name: 'Allow' }).click();
  back = await backAt(tab, rp.origin, '/callback');
  ({ tokens, claims } = await exchange(reportsConfig, back, flow.checks));
  expect(claims.sub === carol.id && claims.aud === reports.clientId, `client_secret_basic exchange: aud ${claims.aud}`);
  await shoot(tab, 'consent-approved-callback');
  const consentPages = [];
  tab.on('request', (r) => {
    if (new URL(r.url()).pathname === '/oauth2/consent') consentPages.push(r.url());
  });
  flow = await authorize(tab, reportsConfig, { redirectUri: callback, scope: REPORTS_SCOPE });
  back = await backAt(tab, rp.origin, '/callback');
  expect(consentPages.length === 0, 'a second authorization asks no consent (remembered)');
  ({ claims } = await exchange(reportsConfig, back, flow.checks));
  expect(claims.sub === carol.id, 'and its code is exchanged');
  await shoot(tab, 'consent-remembered-callback');
  flow = await authorize(tab, reportsConfig, { redirectUri: callback, scope: REPORTS_SCOPE, prompt: 'consent' });
  await tab.getByRole('button', { name: 'Deny' }).waitFor({ state: 'visible' });
  await shoot(tab, 'consent-prompt-again');
  await tab.getByRole('button', { name: 'Deny' }).click();
  back = await backAt(tab, rp.origin, '/callback');
  expect(
    back.searchParams.get('error') === 'access_denied' &&
      back.searchParams.get('state') === flow.checks.expectedState &&
      !back.searchParams.has('code'),
    `Deny: back with error=access_denied and the state (${back.search})`,
  );
  const denied = await client.authorizationCodeGrant(reportsConfig, back, flow.checks).then(
    () => undefined,
    (error) => error,
  );
  expect(
    denied instanceof client.AuthorizationResponseError && denied.error === 'access_denied',
    `openid-client reports the denial as an AuthorizationResponseError (${denied?.error})`,
  );
  await shoot(tab, 'consent-denied-callback');
  await context.close();

  // 5. A passkey on the hosted sign-in page.
  report.phase = '5. passkey on the hosted page';
  ({ page: tab, context } = await newBrowser());
  await passkeyStep({ context, page: tab, config: spaConfig, callback, rpOrigin: rp.origin });
  await context.close();
} catch (error) {
  failed = true;
  console.error(`[oidc-test] FAILED in step ${report.phase}: ${error.stack || error}`);
  if (error.cause) console.error(`[oidc-test] cause: ${JSON.stringify(error.cause)}`);
  if (page) {
    const path = `${process.env.OUT}/oidc-failure.png`;
    await page.screenshot({ path, fullPage: true }).then(
      () => console.error(`[oidc-test] screenshot ${path}`),
      () => {},
    );
  }
} finally {
  if (browser) await browser.close().catch(() => {});
  if (rp) await new Promise((resolve) => rp.server.close(resolve));
}

log('screenshots:');
for (const path of report.shots) console.log(`  ${path}`);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
log(`${failed ? 'failed' : 'done'} in ${seconds} s`);
console.log(`oidc checks: ${report.passed} passed, ${failed ? 1 : 0} failed`);
process.exit(failed ? 1 : 0);
