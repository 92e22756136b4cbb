// Consents: an account of its own consents on the hosted consent page to a third-party client
// that may ask for offline_access (so it holds a refresh token); the account then lists its
// consents and withdraws that one, which ends the client's session: its refresh token is
// refused at /oauth2/token, and the consent is gone. The hosted pages are driven with the
// helpers of the OpenID Connect steps (steps/oidc.ts).

import { randomBytes } from "node:crypto";
import { expect, expectProblem, expectStatus, need, show } from "../check.js";
import { bearer, client } from "../client.js";
import type { components } from "../generated/schema.js";
import { adminToken, register } from "./admin.js";
import { FORM } from "./mfa.js";
import {
  type AuthRequest,
  answerConsent,
  Browser,
  basic,
  codeFrom,
  expectOauthError,
  expectTokens,
  newRequest,
  openConsent,
  openSignIn,
  redirectOf,
  submitSignIn,
} from "./oidc-pages.js";
import { account, coveredBy, type Step, state } from "./shared.js";

type ClientConsent = components["schemas"]["ClientConsent"];
type OauthTokenResponse = components["schemas"]["OauthTokenResponse"];
type Scope = NonNullable<components["schemas"]["NewClient"]["allowed_scopes"]>[number];

const REDIRECT = "https://consents.example.com/oidc/callback";
const SCOPES: Scope[] = ["openid", "email", "offline_access"];
const SCOPE = SCOPES.join(" ");
const NAME = `OIDC Consents ${account.run}`;

/** What the steps leave for the next ones. */
const consents: {
  client?: { id: string; secret: string };
  /** The account's bearer (its password grant: a session of its own, not the client's). */
  token?: string;
  request?: AuthRequest;
  tokens?: OauthTokenResponse;
} = {};

/** The client's refresh grant (client_secret_basic). */
function refresh(refreshToken: string) {
  const registered = need(consents.client, "the third-party client");
  return client.POST("/oauth2/token", {
    headers: { ...FORM, ...basic(registered.id, registered.secret) },
    body: { grant_type: "refresh_token", refresh_token: refreshToken },
  });
}

function listed(result: { response: Response; data?: ClientConsent[] }): ClientConsent[] {
  expectStatus(result, 200);
  return need(result.data, "the consents");
}

export const consentSteps: Step[] = [
  [
    "an account consents to a third-party client that may ask for offline_access: a refresh token",
    async () => {
      const created = await client.POST("/api/v1/admin/clients", {
        headers: adminToken(),
        body: { name: NAME, client_type: "confidential", redirect_uris: [REDIRECT], allowed_scopes: SCOPES },
      });
      expectStatus(created, 201);
      const registered = need(created.data, "the client");
      expect(!registered.client.first_party, `third-party: ${show(registered.client)}`);
      consents.client = { id: registered.client.client_id, secret: need(registered.client_secret ?? undefined, "its secret") };

      const username = `ts_${account.run}_consent`;
      await register(username);
      const login = await client.POST("/api/v1/token/access", {
        headers: FORM,
        body: { grant_type: "password", username, password: state.password },
      });
      expectStatus(login, 200);
      consents.token = need(login.data, "the token body").access_token;
      const none = listed(await client.GET("/api/v1/consents", { headers: bearer(consents.token) }));
      expect(none.length === 0, `no consent yet: ${show(none)}`);

      const browser = new Browser();
      const request = newRequest(consents.client.id, REDIRECT, SCOPE);
      const { html } = await openSignIn(browser, request);
      const to = redirectOf(browser, await submitSignIn(browser, html, username, state.password));
      const page = await openConsent(browser, to);
      expect(page.includes(NAME), "the consent page names the client");
      const code = codeFrom(redirectOf(browser, await answerConsent(browser, page, "approve")), request);
      const result = await client.POST("/oauth2/token", {
        headers: { ...FORM, ...basic(consents.client.id, consents.client.secret) },
        body: { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: request.verifier },
      });
      const tokens = expectTokens(result, SCOPE);
      need(tokens.refresh_token, `a refresh token (offline_access granted): ${show(tokens)}`);
      consents.request = request;
      consents.tokens = tokens;
      return `no consent before; sign-in, consent page, approve: code exchanged (client_secret_basic) for "${tokens.scope}" with a refresh token`;
    },
  ],
  [
    coveredBy.listConsents,
    async () => {
      const registered = need(consents.client, "the third-party client");
      const token = need(consents.token, "the account's token");
      const found = listed(await client.GET("/api/v1/consents", { headers: bearer(token) }));
      expect(found.length === 1, `one consent: ${show(found)}`);
      const [consent] = found;
      expect(consent?.client_id === registered.id && consent.client_name === NAME, show(consent));
      expect(show([...consent.scopes].sort()) === show([...SCOPES].sort()), `the scopes granted: ${show(consent.scopes)}`);
      const age = Date.now() - Date.parse(consent.granted_at);
      expect(age >= -60_000 && age < 600_000, `granted_at is now: ${consent.granted_at}`);
      const anonymous = await client.GET("/api/v1/consents");
      expectStatus(anonymous, 401);
      return `200 [${consent.client_name}: ${consent.scopes.join(" ")}, granted ${consent.granted_at}]; without a bearer 401`;
    },
  ],
  [
    coveredBy.deleteConsent,
    async () => {
      const registered = need(consents.client, "the third-party client");
      const token = need(consents.token, "the account's token");
      const tokens = need(consents.tokens, "the client's tokens");
      const path = { params: { path: { client_id: registered.id } }, headers: bearer(token) };
      // Before: the client's refresh token works (and rotates).
      const before = expectTokens(await refresh(need(tokens.refresh_token, "the refresh token")), SCOPE);
      const current = need(before.refresh_token, "the rotated refresh token");

      const deleted = await client.DELETE("/api/v1/consents/{client_id}", path);
      expectStatus(deleted, 204);
      const refused = await refresh(current);
      expectStatus(refused, 400);
      expectOauthError(refused.error, "invalid_grant");
      const userinfo = await client.GET("/oauth2/userinfo", { headers: bearer(before.access_token) });
      expectStatus(userinfo, 401);
      const empty = listed(await client.GET("/api/v1/consents", { headers: bearer(token) }));
      expect(empty.length === 0, `no consent left: ${show(empty)}`);
      const again = await client.DELETE("/api/v1/consents/{client_id}", path);
      expectStatus(again, 404);
      expectProblem(again.error, 404, "not-found");
      expect(again.response.headers.get("Content-Type")?.startsWith("application/problem+json") === true, "a problem document");
      const unknown = await client.DELETE("/api/v1/consents/{client_id}", {
        params: { path: { client_id: randomBytes(8).toString("hex") } },
        headers: bearer(token),
      });
      expectStatus(unknown, 404);
      // The next authorization asks for consent again.
      const browser = new Browser();
      const { html } = await openSignIn(browser, newRequest(registered.id, REDIRECT, SCOPE));
      const asked = redirectOf(browser, await submitSignIn(browser, html, `ts_${account.run}_consent`, state.password));
      const page = await openConsent(browser, asked);
      expect(page.includes(NAME), "the consent page again");
      return "the refresh token worked before; 204; then its refresh token 400 invalid_grant, its access token 401 at userinfo; the list is empty; again 404 not-found (a non-UUID id too); the next sign-in asks consent again";
    },
  ],
];
