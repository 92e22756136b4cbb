// Step 5 of oidc.mjs: a passkey on the hosted sign-in page. A virtual authenticator (DevTools'
// WebAuthn domain) is attached to the tab; the account registers a passkey from passkey.html
// on http://localhost:PAGE_PORT (RP ID `localhost`, the same as the hosted page's
// http://localhost:PORT, so the credential works there); then, in the same tab, the
// authorization request opens the sign-in page and its "Sign in with a passkey" button
// (#passkey-sign-in) runs navigator.credentials.get without a username and posts the result.

import { readFileSync } from 'node:fs';
import { servePages } from './http-support.mjs';
import { authorize, backAt, exchange, expectSignInPage } from './oidc-flow.mjs';
import { addVirtualAuthenticator } from './virtual-authenticator.mjs';
import {
  ISSUER,
  PAGE_ORIGIN,
  PAGE_PORT,
  brief,
  createAccount,
  expect,
  log,
  shoot,
} from './oidc-support.mjs';

const PAGE_HTML = readFileSync(new URL('./passkey.html', import.meta.url));

/** Serves passkey.html on PAGE_PORT (127.0.0.1, which Chromium reaches as `localhost`). */
function startPageServer() {
  return servePages(PAGE_PORT, (path) => (path === '/' || path === '/passkey.html' ? PAGE_HTML : undefined));
}

/** METHOD PATH on the API from passkey.html (cross-origin), recorded in the page's table. */
async function call(page, stage, method, path, options) {
  return page.evaluate(
    async ({ stage, method, path, options }) => {
      const answer = await window.api(method, path, options);
      const detail = JSON.stringify(answer.body).slice(0, 200);
      window.record(stage, `${method} ${path}`, String(answer.status), detail, answer.status < 300);
      return answer;
    },
    { stage, method, path, options },
  );
}

/** Registers a passkey for `account` from passkey.html with the tab's virtual authenticator. */
async function registerPasskey(page, account) {
  await page.goto(`${PAGE_ORIGIN}/?api=${encodeURIComponent(ISSUER)}`, { waitUntil: 'load' });
  const options = await call(page, 'registration options', 'POST', '/api/v1/passkeys/registration', {
    json: { current_password: account.password },
    token: account.token,
  });
  expect(
    options.status === 200 && options.body?.publicKey?.rp?.id === 'localhost',
    `creation options for the RP "localhost" (${options.status} ${brief(options.body?.publicKey?.rp)})`,
  );
  const made = await page.evaluate(async (json) => {
    try {
      const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(json);
      const credential = (await navigator.credentials.create({ publicKey })).toJSON();
      window.record('authenticator: create', 'navigator.credentials.create', 'credential', credential.id, true);
      return { credential };
    } catch (error) {
      return { error: `${error.name}: ${error.message}` };
    }
  }, options.body.publicKey);
  expect(!made.error, `navigator.credentials.create made a credential ${made.error || ''}`);
  const registered = await call(page, 'register passkey', 'POST', '/api/v1/passkeys', {
    json: { credential: made.credential, name: 'Hosted page key' },
    token: account.token,
  });
  expect(registered.status === 201, `POST /api/v1/passkeys answered 201 (${registered.status} ${brief(registered.body)})`);
  await shoot(page, 'passkey-registered');
  return made.credential;
}

export async function passkeyStep({ context, page, config, callback, rpOrigin }) {
  const { cdp, authenticatorId } = await addVirtualAuthenticator(context, page);
  log(`virtual authenticator ${authenticatorId}`);
  const dave = await createAccount('passkey');
  const pageServer = await startPageServer();
  let credential;
  try {
    credential = await registerPasskey(page, dave);
  } finally {
    await new Promise((resolve) => pageServer.close(resolve));
  }
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  expect(
    credentials.some((c) => c.rpId === 'localhost' && c.isResidentCredential),
    `the authenticator keeps a discoverable credential for "localhost" (${credentials.length})`,
  );

  const flow = await authorize(page, config, { redirectUri: callback, scope: 'openid profile' });
  await expectSignInPage(page, flow.response);
  const button = page.locator('#passkey-sign-in');
  if ((await button.count()) === 0) {
    await shoot(page, 'sign-in-without-passkey-button');
    throw new Error('hosted page has no passkey button (#passkey-sign-in)');
  }
  // The page's script shows it once it finds WebAuthn in the browser.
  await button.waitFor({ state: 'visible' });
  expect(
    /sign in with a passkey/i.test(await button.innerText()),
    `the button reads "${(await button.innerText()).trim()}"`,
  );
  await shoot(page, 'sign-in-passkey-button');
  await button.click();
  const back = await backAt(page, rpOrigin, '/callback');
  expect(
    back.searchParams.has('code') && back.searchParams.get('state') === flow.checks.expectedState,
    'the passkey sign-in lands on the redirect URI with code and state',
  );
  await shoot(page, 'passkey-callback');
  const { claims } = await exchange(config, back, flow.checks);
  expect(claims.sub === dave.id, `the id_token is the passkey account (credential ${credential.id})`);
  const amr = claims.amr || [];
  expect(
    !amr.includes('pwd') && (amr.includes('hwk') || amr.includes('swk')),
    `amr names a key, no password: ${JSON.stringify(amr)}`,
  );
}
