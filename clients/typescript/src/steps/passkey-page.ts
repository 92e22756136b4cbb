// The hosted sign-in page's passkey form: the page offers it (its button and the script the
// CSP allows by hash), and an assertion that is no WebAuthn answer is refused with the form
// again. A real passkey signs in through it in Chromium with a virtual authenticator
// (clients/browser/oidc-passkey.mjs); Node's fetch has no authenticator.

import { expect, expectStatus, need, show } from "../check.js";
import { client } from "../client.js";
import { adminToken } from "./admin.js";
import { FORM } from "./mfa.js";
import { Browser, hidden, newRequest, openSignIn } from "./oidc-pages.js";
import { account, coveredBy, type Step } from "./shared.js";

const REDIRECT = "https://passkey-page.example.com/callback";

export const passkeyPageSteps: Step[] = [
  [
    coveredBy.submitPasskeySignIn,
    async () => {
      const created = await client.POST("/api/v1/admin/clients", {
        headers: adminToken(),
        body: { name: `Passkey page ${account.run}`, client_type: "public", redirect_uris: [REDIRECT], first_party: true },
      });
      expectStatus(created, 201);
      const clientId = need(created.data, "the client").client.client_id;
      const browser = new Browser();
      const { html } = await openSignIn(browser, newRequest(clientId, REDIRECT, "openid"));
      expect(html.includes('id="passkey-sign-in"'), "the page offers a passkey");
      const csp = await client.GET("/oauth2/sign-in", { parseAs: "text", redirect: "manual" });
      const policy = csp.response.headers.get("Content-Security-Policy") ?? "";
      expect(/script-src 'sha256-[A-Za-z0-9+/=]+'/.test(policy), `a script allowed by hash: ${policy}`);
      const refused = await client.POST("/oauth2/sign-in/passkey", {
        headers: { ...FORM, ...browser.headers() },
        body: { request: hidden(html, "request"), csrf: hidden(html, "csrf"), assertion: "{}" },
        redirect: "manual",
        parseAs: "text",
      });
      expectStatus(refused, 200);
      const page = String(refused.data ?? "");
      expect(page.includes("That passkey was not accepted"), `the form again with the error: ${show(page.slice(0, 200))}`);
      const forged = await client.POST("/oauth2/sign-in/passkey", {
        headers: FORM,
        body: { request: hidden(html, "request"), csrf: hidden(html, "csrf"), assertion: "{}" },
        redirect: "manual",
        parseAs: "text",
      });
      expectStatus(forged, 403);
      return "the page offers a passkey (script allowed by its hash); `{}` as the assertion: the form again with the error; without the browser's CSRF cookie 403";
    },
  ],
];
