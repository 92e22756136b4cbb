// Chromium's virtual WebAuthn authenticator (DevTools' WebAuthn domain) on a page: a platform
// authenticator with resident keys and user verification that answers by itself (no dialog,
// no touch). Shared by the passkey page test (test.mjs) and the hosted-page step (oidc-passkey.mjs).

/** Adds one to `page` of `context`: the CDP session and the authenticator's id. */
export async function addVirtualAuthenticator(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}
