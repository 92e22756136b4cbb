// Signing out without an id_token_hint: the hosted page asks a signed-in browser to confirm,
// with a CSRF token of its own in the form and a cookie; the confirmation ends the browser
// session (a prompt=none request then answers login_required); another site's post (no
// token) is refused with 403.

import { expect, expectStatus, need } from "../check.js";
import { client } from "../client.js";
import { adminToken } from "./admin.js";
import { FORM } from "./mfa.js";
import { authorize, Browser, codeFrom, hidden, newRequest, openSignIn, pageOf, redirectOf, submitSignIn } from "./oidc-pages.js";
import { account, coveredBy, type Step, state } from "./shared.js";

const REDIRECT = "https://sign-out.example.com/callback";

/** A `prompt=none` request from `browser`: the redirect back to the client. */
async function silently(browser: Browser, clientId: string): Promise<URL> {
  return redirectOf(browser, await authorize(browser, newRequest(clientId, REDIRECT, "openid"), "none"));
}

export const signOutSteps: Step[] = [
  [
    coveredBy.confirmEndSession,
    async () => {
      const created = await client.POST("/api/v1/admin/clients", {
        headers: adminToken(),
        body: { name: `Sign-out ${account.run}`, client_type: "public", redirect_uris: [REDIRECT], first_party: true },
      });
      expectStatus(created, 201);
      const clientId = need(created.data, "the client").client.client_id;
      const browser = new Browser();
      const request = newRequest(clientId, REDIRECT, "openid");
      const { html } = await openSignIn(browser, request);
      codeFrom(redirectOf(browser, await submitSignIn(browser, html, account.renamed, state.password)), request);

      const asked = await client.GET("/oauth2/logout", { headers: browser.headers(), redirect: "manual", parseAs: "text" });
      const page = pageOf(browser, asked, 200);
      expect(page.includes("Sign out?"), "the confirmation page");
      const forced = await client.POST("/oauth2/logout", {
        headers: { ...FORM, ...browser.headers() },
        body: {},
        redirect: "manual",
        parseAs: "text",
      });
      expectStatus(forced, 403);
      const still = await silently(browser, clientId);
      expect(still.searchParams.has("code"), `still signed in: ${still.href}`);
      const confirmed = await client.POST("/oauth2/logout", {
        headers: { ...FORM, ...browser.headers() },
        body: { csrf: hidden(page, "csrf") },
        redirect: "manual",
        parseAs: "text",
      });
      const out = pageOf(browser, confirmed, 200);
      expect(out.includes("You are signed out"), "the signed-out page");
      const back = await silently(browser, clientId);
      expect(back.searchParams.get("error") === "login_required", `signed out: ${back.href}`);
      return "no hint: the confirmation page; its form without the token 403; with it the signed-out page, and prompt=none then answers login_required";
    },
  ],
];
