// The authorization code flow as the relying party and the browser see it: openid-client
// builds the authorization request (PKCE S256, state, nonce), Chromium goes through the
// hosted pages, and the relying party's redirect URI gets the code back.

import * as client from 'openid-client';
import {
  ISSUER,
  TIMEOUT,
  describedAlert,
  expect,
  expectHostedHeaders,
  expectLabelled,
  log,
  ok,
  tabOrder,
} from './oidc-support.mjs';

/** openid-client's configuration of one client, from the issuer's discovery document. */
export async function discover(clientId, metadata, auth) {
  return client.discovery(new URL(ISSUER), clientId, metadata, auth, {
    execute: [client.allowInsecureRequests],
    timeout: TIMEOUT / 1000,
  });
}

/**
 * Sends the browser to the authorization endpoint with a fresh PKCE verifier, state and
 * nonce; the checks authorizationCodeGrant needs, and the last response of the navigation.
 */
export async function authorize(page, config, { redirectUri, scope, prompt }) {
  const pkceCodeVerifier = client.randomPKCECodeVerifier();
  const codeChallenge = await client.calculatePKCECodeChallenge(pkceCodeVerifier);
  const expectedState = client.randomState();
  const expectedNonce = client.randomNonce();
  const parameters = {
    redirect_uri: redirectUri,
    scope,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
    state: expectedState,
    nonce: expectedNonce,
  };
  if (prompt) parameters.prompt = prompt;
  const url = client.buildAuthorizationUrl(config, parameters);
  log(`authorize: ${url.origin}${url.pathname} scope "${scope}"${prompt ? ` prompt=${prompt}` : ''}`);
  const response = await page.goto(url.href, { waitUntil: 'load' });
  const checks = { pkceCodeVerifier, expectedState, expectedNonce, idTokenExpected: true };
  return { checks, response };
}

/** Whether the page is a hosted page at `path` of the issuer. */
export function onHosted(page, path) {
  const url = new URL(page.url());
  return url.origin === ISSUER && url.pathname === path;
}

/** The hosted sign-in page: headers, labels, focus, and the form's two fields. */
export async function expectSignInPage(page, response) {
  expect(onHosted(page, '/oauth2/sign-in'), `the browser is on the hosted sign-in page (${page.url()})`);
  await expectHostedHeaders(response, 'the sign-in page');
  await page.locator('#login').waitFor({ state: 'visible' });
  expect(
    (await page.locator('#login').getAttribute('name')) === 'login' &&
      (await page.locator('#password').getAttribute('name')) === 'password',
    'the form has the fields login and password',
  );
  await expectLabelled(page, 'the sign-in page');
  const autofocused = await page.evaluate(() => document.activeElement?.id);
  const order = await tabOrder(page, 2);
  expect(
    order[0] === 'login' && order[1] === 'password',
    `focus order starts in the login field (Tab: ${order.join(' → ')}; autofocus on ${autofocused})`,
  );
}

/** Fills the sign-in form and submits it; resolves once the POST is answered. */
export async function submitSignIn(page, login, password) {
  await page.getByLabel('Username or e-mail address').fill(login);
  await page.getByLabel('Password', { exact: true }).fill(password);
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/oauth2/sign-in',
    ),
    page.getByRole('button', { name: 'Sign in', exact: true }).click(),
  ]);
  await refusedOrigin(response);
  return response;
}

/**
 * A hosted form's POST that the server's CORS layer refused (400 problem+json "request-origin
 * not allowed") fails at once, naming the Origin the browser sent: the server's own origin is
 * not in CORS_ORIGINS, and a same-origin post must not need it.
 */
async function refusedOrigin(response) {
  if (response.status() !== 400) return;
  const type = (await response.allHeaders())['content-type'] || '';
  const body = type.startsWith('application/problem+json') ? await response.text() : '';
  if (body.includes('request-origin not allowed')) {
    const origin = (await response.request().allHeaders()).origin;
    throw new Error(
      `the server refused the hosted form's POST ${new URL(response.url()).pathname} with ` +
        `400 "request-origin not allowed": the browser sent Origin: ${origin} (server bug: ` +
        'the CORS layer judges the hosted pages\' own form posts)',
    );
  }
}

/** A wrong password: the form again, the error an alert the fields point to. */
export async function wrongPassword(page, account) {
  const response = await submitSignIn(page, account.username, `${account.password}-wrong`);
  expect(response.status() === 200, `a wrong password answers the form again (${response.status()})`);
  await page.locator('[role="alert"]').waitFor({ state: 'visible' });
  await expectHostedHeaders(response, 'the sign-in page after a wrong password');
  for (const field of ['#login', '#password']) {
    const tied = await describedAlert(page, field);
    expect(
      tied.invalid === 'true' && /incorrect/i.test(tied.text || ''),
      `${field} is aria-invalid and aria-describedby the error "${tied.text}" (${tied.ids.join(' ')})`,
    );
  }
}

/** Waits until the browser is back on the relying party at `path`; that URL. */
export async function backAt(page, rpOrigin, path) {
  await page.waitForURL((url) => url.origin === rpOrigin && url.pathname === path, {
    timeout: TIMEOUT,
    waitUntil: 'load',
  });
  return new URL(page.url());
}

/** The code exchanged with openid-client: id_token checked (JWKS, iss, aud, nonce, at_hash). */
export async function exchange(config, url, checks) {
  const tokens = await client.authorizationCodeGrant(config, url, checks);
  const claims = tokens.claims();
  ok(
    `authorizationCodeGrant validated the id_token (signature by JWKS, iss, aud, nonce, at_hash): ` +
      `sub ${claims?.sub}, amr ${JSON.stringify(claims?.amr)}`,
  );
  return { tokens, claims };
}

/** The second step of a two-step sign-in: the code field, labelled, its error tied to it. */
export async function expectSecondStep(page, response) {
  expect(onHosted(page, '/oauth2/sign-in'), `the second step comes after the password (${page.url()})`);
  await page.locator('#code').waitFor({ state: 'visible' });
  await expectHostedHeaders(response, 'the second-step page');
  await expectLabelled(page, 'the second-step page');
}

/** Types `code` into the second step and submits; resolves once the POST is answered. */
export async function submitCode(page, code) {
  await page.locator('#code').fill(code);
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) =>
        r.request().method() === 'POST' &&
        new URL(r.url()).pathname === '/oauth2/sign-in/second-step',
    ),
    page.getByRole('button', { name: 'Continue' }).click(),
  ]);
  await refusedOrigin(response);
  return response;
}

export { client };
