// OpenID Connect: the administrator registers a first-party public client (an SPA on a loopback
// redirect URI) and a third-party confidential one; the flow is their browser and their
// back end. The browser keeps its cookies by hand (fetch has no jar) and follows no redirect
// (`redirect: "manual"`), reading each `Location` and `Set-Cookie` itself; the hosted pages are
// read as text (`parseAs: "text"`) and their hidden fields taken from the HTML. Through
// discovery, the authorization request (PKCE S256 from node:crypto, state, nonce), the
// sign-in page and its CSRF cookie and field, the code exchanged by the public client, the
// id_token (decoded by hand, and verified by jose with the key from `jwks_uri`), userinfo by
// GET and POST, the refresh grant, the consent of the third-party client (HTTP Basic at the
// token endpoint), the second step of an account with TOTP, a replayed code, and logout.
// The browser, the requests and the checks they share with other steps: steps/oidc-pages.ts.

import { randomBytes, randomUUID } from "node:crypto";
import type { TOTP } from "otpauth";
import { expect, expectStatus, need, show } from "../check.js";
import { BASE_URL, bearer, client } from "../client.js";
import { adminToken, register } from "./admin.js";
import { confirm, enrol, FORM, STEP_MS, wrongCode } from "./mfa.js";
import {
  type AuthRequest,
  answerConsent,
  authorize,
  Browser,
  basic,
  CSRF_COOKIE,
  codeFrom,
  exchangePublic,
  expectOauthError,
  expectTokens,
  hidden,
  idTokenClaims,
  newRequest,
  type OauthTokenResponse,
  openConsent,
  openSignIn,
  pageOf,
  provider,
  redirectOf,
  SESSION_COOKIE,
  submitSignIn,
  userinfoOf,
} from "./oidc-pages.js";
import { account, coveredBy, type Step, state } from "./shared.js";

const SPA_REDIRECT = "http://127.0.0.1/callback";
const SPA_SIGNED_OUT = "http://127.0.0.1/signed-out";
const REPORTS_REDIRECT = "https://reports.example.com/oidc/callback";

/** What the steps leave for the next ones. */
const oidc: {
  spa?: string;
  reports?: { id: string; secret: string };
  /** The browser of the run's account. */
  browser: Browser;
  first?: AuthRequest;
  signInPage?: URL;
  page?: string;
  code?: string;
  tokens?: OauthTokenResponse;
  sub?: string;
  consentPage?: URL;
  consent?: AuthRequest;
} = { browser: new Browser() };

export const oidcSteps: Step[] = [
  [
    coveredBy.getOpenidConfiguration,
    async () => {
      const result = await client.GET("/.well-known/openid-configuration");
      expectStatus(result, 200);
      const found = need(result.data, "the OpenID configuration");
      const endpoints = {
        authorization_endpoint: "/oauth2/authorize",
        token_endpoint: "/oauth2/token",
        userinfo_endpoint: "/oauth2/userinfo",
        end_session_endpoint: "/oauth2/logout",
        jwks_uri: "/.well-known/jwks.json",
        revocation_endpoint: "/api/v1/token/revoke",
      };
      for (const [key, path] of Object.entries(endpoints)) {
        const value = Object.entries(found).find(([name]) => name === key)?.[1];
        expect(value === `${BASE_URL}${path}`, `${key}: ${show(value)}`);
      }
      expect(show(found.response_types_supported) === show(["code"]), show(found.response_types_supported));
      expect(show(found.code_challenge_methods_supported) === show(["S256"]), show(found));
      expect(found.id_token_signing_alg_values_supported.includes("RS256"), show(found));
      for (const method of ["client_secret_basic", "client_secret_post", "none"]) {
        expect(found.token_endpoint_auth_methods_supported.includes(method), `${method}: ${show(found)}`);
      }
      for (const grant of ["authorization_code", "refresh_token"]) {
        expect(found.grant_types_supported.includes(grant), `${grant}: ${show(found)}`);
      }
      expect(found.scopes_supported.includes("openid") && found.authorization_response_iss_parameter_supported, show(found));
      const cache = result.response.headers.get("Cache-Control");
      expect(cache === "public, max-age=300", `Cache-Control: ${cache}`);
      provider.issuer = found.issuer;
      provider.jwksUri = found.jwks_uri;
      return `issuer ${found.issuer}; the endpoints on ${BASE_URL}; code, S256, RS256, ${found.token_endpoint_auth_methods_supported.join(" ")}`;
    },
  ],
  [
    "an administrator registers a first-party public client and a third-party confidential one",
    async () => {
      const spa = await client.POST("/api/v1/admin/clients", {
        headers: adminToken(),
        body: {
          name: `OIDC SPA ${account.run}`,
          client_type: "public",
          redirect_uris: [SPA_REDIRECT],
          post_logout_redirect_uris: [SPA_SIGNED_OUT],
          allowed_scopes: ["openid", "profile", "email", "offline_access"],
          first_party: true,
        },
      });
      expectStatus(spa, 201);
      oidc.spa = need(spa.data, "the public client").client.client_id;
      const reports = await client.POST("/api/v1/admin/clients", {
        headers: adminToken(),
        body: {
          name: `OIDC Reports ${account.run}`,
          client_type: "confidential",
          redirect_uris: [REPORTS_REDIRECT],
          allowed_scopes: ["openid", "email"],
        },
      });
      expectStatus(reports, 201);
      const created = need(reports.data, "the confidential client");
      expect(!created.client.first_party, `third-party by default: ${show(created.client)}`);
      oidc.reports = { id: created.client.client_id, secret: need(created.client_secret ?? undefined, "its secret") };
      return `public ${oidc.spa} (first-party, ${SPA_REDIRECT}); confidential ${oidc.reports.id} (third-party)`;
    },
  ],
  [
    coveredBy.authorize,
    async () => {
      const spa = need(oidc.spa, "the public client");
      // A redirect URI the client did not register: a page, never a redirect.
      const stray = await authorize(oidc.browser, newRequest(spa, "https://evil.example.com/callback", "openid"));
      const strayPage = pageOf(oidc.browser, stray, 400);
      expect(stray.response.headers.get("Location") === null, "no redirect to an unregistered URI");
      // Without PKCE the error goes back to the (registered) redirect URI.
      const request = newRequest(spa, SPA_REDIRECT, "openid profile email offline_access");
      const plain = await client.GET("/oauth2/authorize", {
        params: {
          query: { response_type: "code", client_id: spa, redirect_uri: SPA_REDIRECT, scope: "openid", state: request.state },
        },
        redirect: "manual",
        parseAs: "text",
      });
      const refused = redirectOf(new Browser(), plain);
      expect(refused.href.startsWith(SPA_REDIRECT) && refused.searchParams.get("error") === "invalid_request", refused.href);
      expect(refused.searchParams.get("state") === request.state, `state: ${refused.href}`);
      // The request itself: parked, the browser sent on to the sign-in page with a CSRF cookie.
      const result = await authorize(oidc.browser, request);
      const setCookie = result.response.headers.getSetCookie();
      const to = redirectOf(oidc.browser, result);
      expect(to.origin === BASE_URL && to.pathname === "/oauth2/sign-in" && to.searchParams.has("request"), to.href);
      const csrf = setCookie.find((line) => line.startsWith(`${CSRF_COOKIE}=`));
      expect(csrf !== undefined && /HttpOnly/i.test(csrf) && /SameSite=Lax/i.test(csrf), `the CSRF cookie: ${show(setCookie)}`);
      expect(oidc.browser.cookie(CSRF_COOKIE) !== undefined, "the browser keeps the CSRF cookie");
      oidc.first = request;
      oidc.signInPage = to;
      return `an unregistered redirect URI 400 (${strayPage.length}-byte page); no PKCE: back with invalid_request; 302 to ${to.pathname} with ${CSRF_COOKIE} (HttpOnly, SameSite=Lax)`;
    },
  ],
  [
    coveredBy.getSignInPage,
    async () => {
      const handle = need(need(oidc.signInPage, "the sign-in page").searchParams.get("request") ?? undefined, "the handle");
      // Another browser (no CSRF cookie) is refused the page.
      const elsewhere = await client.GET("/oauth2/sign-in", {
        params: { query: { request: handle } },
        redirect: "manual",
        parseAs: "text",
      });
      pageOf(new Browser(), elsewhere, 403);
      const unknown = await client.GET("/oauth2/sign-in", {
        params: { query: { request: randomBytes(32).toString("base64url") } },
        headers: oidc.browser.headers(),
        redirect: "manual",
        parseAs: "text",
      });
      pageOf(new Browser(), unknown, 400);
      const result = await client.GET("/oauth2/sign-in", {
        params: { query: { request: handle } },
        headers: oidc.browser.headers(),
        redirect: "manual",
        parseAs: "text",
      });
      const html = pageOf(oidc.browser, result, 200);
      expect(html.includes(`OIDC SPA ${account.run}`), "the page names the client");
      expect(html.includes('name="login"') && html.includes('name="password"'), "a login and a password field");
      expect(hidden(html, "request") === handle, "the form carries the handle");
      expect(hidden(html, "csrf") === oidc.browser.cookie(CSRF_COOKIE), "the hidden CSRF field is the cookie's token");
      oidc.page = html;
      return "another browser 403; an unknown request 400; 200, the form names the client, its hidden csrf equals the cookie";
    },
  ],
  [
    coveredBy.submitSignIn,
    async () => {
      const html = need(oidc.page, "the sign-in page");
      const request = need(oidc.first, "the authorization request");
      // A form posted without the browser's cookie (another site, another browser): 403.
      const forged = await submitSignIn(new Browser(), html, account.renamed, state.password);
      pageOf(new Browser(), forged, 403);
      const wrongField = await submitSignIn(oidc.browser, html, account.renamed, state.password, randomBytes(32).toString("base64url"));
      pageOf(new Browser(), wrongField, 403);
      // A wrong password shows the form again, with the error.
      const wrong = await submitSignIn(oidc.browser, html, account.renamed, `${state.password}-wrong`);
      const again = pageOf(oidc.browser, wrong, 200);
      expect(again.includes('role="alert"') && again.includes("Incorrect"), `the error on the form: ${again.slice(-600)}`);
      const result = await submitSignIn(oidc.browser, again, account.renamed, state.password);
      const setCookie = result.response.headers.getSetCookie();
      const back = redirectOf(oidc.browser, result);
      oidc.code = codeFrom(back, request);
      const session = setCookie.find((line) => line.startsWith(`${SESSION_COOKIE}=`));
      expect(session !== undefined && /HttpOnly/i.test(session) && /SameSite=Lax/i.test(session), `the session cookie: ${show(setCookie)}`);
      expect(!/Secure/i.test(session), "no Secure cookie on plain http");
      return `without the cookie 403, a wrong csrf field 403; a wrong password: the form again; 302 to ${back.origin}${back.pathname} with code, state and iss; ${SESSION_COOKIE} set`;
    },
  ],
  [
    coveredBy.createOauthToken,
    async () => {
      const request = need(oidc.first, "the authorization request");
      const unknown = await exchangePublic(request, randomBytes(32).toString("base64url"));
      expectStatus(unknown, 400);
      expectOauthError(unknown.error, "invalid_grant");
      const tokens = expectTokens(await exchangePublic(request, need(oidc.code, "the code")), request.scope);
      expect(need(tokens.refresh_token, "a refresh token (a first-party client)").length >= 32, show(tokens));
      const claims = await idTokenClaims(tokens, request);
      const user = need(state.user, "the registered user");
      expect(claims.sub === user.id, `sub is the account's id: ${show(claims.sub)}`);
      expect(claims.email === account.email && claims.preferred_username === account.renamed, show(claims));
      expect(show(claims.amr) === show(["pwd"]), `amr: ${show(claims.amr)}`);
      // The access token is an ordinary bearer token of the service.
      const me = await client.GET("/api/v1/users", { headers: bearer(tokens.access_token) });
      expectStatus(me, 200);
      expect(me.data?.id === user.id, show(me.data));
      oidc.tokens = tokens;
      oidc.sub = user.id;
      return `unknown code 400 invalid_grant; 200 with a refresh token; the id_token (kid, RS256) names iss, aud, nonce, at_hash, sub, amr pwd; the access token reads the account`;
    },
  ],
  [
    coveredBy.getUserinfo,
    async () => {
      const tokens = need(oidc.tokens, "the tokens");
      const claims = userinfoOf(await client.GET("/oauth2/userinfo", { headers: bearer(tokens.access_token) }));
      expect(claims.sub === oidc.sub, `sub: ${show(claims)}`);
      expect(claims.email === account.email && typeof claims.email_verified === "boolean", show(claims));
      expect(claims.preferred_username === account.renamed && claims.name === account.renamed, show(claims));
      const passwordGrant = await client.GET("/oauth2/userinfo", { headers: bearer(need(state.token, "the token")) });
      expectStatus(passwordGrant, 401);
      expect(passwordGrant.response.headers.get("WWW-Authenticate")?.startsWith("Bearer") === true, "a Bearer challenge");
      const none = await client.GET("/oauth2/userinfo");
      expectStatus(none, 401);
      return `200 ${show(claims)}; a token of the password grant 401; none 401`;
    },
  ],
  [
    coveredBy.postUserinfo,
    async () => {
      const tokens = need(oidc.tokens, "the tokens");
      const read = userinfoOf(await client.GET("/oauth2/userinfo", { headers: bearer(tokens.access_token) }));
      const posted = userinfoOf(await client.POST("/oauth2/userinfo", { headers: bearer(tokens.access_token) }));
      expect(show(posted) === show(read), `the same claims: ${show(posted)} and ${show(read)}`);
      const none = await client.POST("/oauth2/userinfo");
      expectStatus(none, 401);
      return "200, the claims GET answers; none 401";
    },
  ],
  [
    "the refresh grant at the token endpoint rotates the refresh token, the same scope",
    async () => {
      const request = need(oidc.first, "the authorization request");
      const tokens = need(oidc.tokens, "the tokens");
      const result = await client.POST("/oauth2/token", {
        headers: FORM,
        body: { grant_type: "refresh_token", refresh_token: need(tokens.refresh_token, "the refresh token"), client_id: request.client_id },
      });
      const renewed = expectTokens(result, tokens.scope);
      expect(renewed.refresh_token !== undefined && renewed.refresh_token !== tokens.refresh_token, "a new refresh token");
      const claims = userinfoOf(await client.GET("/oauth2/userinfo", { headers: bearer(renewed.access_token) }));
      expect(claims.sub === oidc.sub, show(claims));
      const unknown = await client.POST("/oauth2/token", {
        headers: FORM,
        body: { grant_type: "refresh_token", refresh_token: randomBytes(32).toString("base64url"), client_id: request.client_id },
      });
      expectStatus(unknown, 400);
      expectOauthError(unknown.error, "invalid_grant");
      const unsupported = await client.POST("/oauth2/token", {
        headers: FORM,
        body: { grant_type: "password", client_id: request.client_id },
      });
      expectStatus(unsupported, 400);
      const kind = expectOauthError(unsupported.error, "unsupported_grant_type");
      oidc.tokens = { ...renewed, id_token: tokens.id_token ?? "" };
      return `200, rotated, scope "${renewed.scope}", userinfo reads it; an unknown refresh token 400 invalid_grant; the password grant 400 ${kind.error}`;
    },
  ],
  [
    coveredBy.getConsentPage,
    async () => {
      const reports = need(oidc.reports, "the confidential client");
      const request = newRequest(reports.id, REPORTS_REDIRECT, "openid email");
      // The browser is signed in: no sign-in page, but a third-party client asks for consent.
      const silent = await authorize(oidc.browser, request, "none");
      const required = redirectOf(oidc.browser, silent);
      expect(required.searchParams.get("error") === "consent_required", `prompt=none: ${required.href}`);
      const to = redirectOf(oidc.browser, await authorize(oidc.browser, request));
      expect(to.pathname === "/oauth2/consent" && to.searchParams.has("request"), `to the consent page: ${to.href}`);
      const html = await openConsent(oidc.browser, to);
      expect(html.includes(`OIDC Reports ${account.run}`), "the page names the client");
      expect(html.includes('value="approve"') && html.includes('value="deny"'), "approve and deny");
      expect(hidden(html, "csrf") === oidc.browser.cookie(CSRF_COOKIE), "the hidden CSRF field is the cookie's token");
      oidc.page = html;
      oidc.consent = request;
      return "prompt=none: back with consent_required; 302 to the consent page, no sign-in; 200, names the client, approve and deny";
    },
  ],
  [
    coveredBy.submitConsent,
    async () => {
      const html = need(oidc.page, "the consent page");
      const request = need(oidc.consent, "the consent request");
      const reports = need(oidc.reports, "the confidential client");
      const forged = await client.POST("/oauth2/consent", {
        headers: FORM,
        body: { request: hidden(html, "request"), csrf: hidden(html, "csrf"), decision: "approve" },
        redirect: "manual",
        parseAs: "text",
      });
      pageOf(new Browser(), forged, 403);
      const result = await answerConsent(oidc.browser, html, "approve");
      const code = codeFrom(redirectOf(oidc.browser, result), request);
      const exchange = (secret: string, grantCode: string) =>
        client.POST("/oauth2/token", {
          headers: { ...FORM, ...basic(reports.id, secret) },
          body: { grant_type: "authorization_code", code: grantCode, redirect_uri: request.redirect_uri, code_verifier: request.verifier },
        });
      const wrongSecret = await exchange(`${reports.secret}x`, randomBytes(32).toString("base64url"));
      expectStatus(wrongSecret, 401);
      expectOauthError(wrongSecret.error, "invalid_client");
      const challenge = wrongSecret.response.headers.get("WWW-Authenticate");
      expect(challenge?.startsWith("Basic") === true, `a Basic challenge: ${challenge}`);
      const tokens = expectTokens(await exchange(reports.secret, code), request.scope);
      expect(tokens.refresh_token === undefined, `no refresh token for a third party without offline_access: ${show(tokens)}`);
      const claims = await idTokenClaims(tokens, request);
      expect(claims.sub === oidc.sub && claims.email === account.email, show(claims));
      expect(claims.preferred_username === undefined, `no profile claims: ${show(claims)}`);
      const info = userinfoOf(await client.POST("/oauth2/userinfo", { headers: bearer(tokens.access_token) }));
      expect(info.sub === oidc.sub && info.email === account.email && info.preferred_username === undefined, show(info));
      // Remembered: the next request gets its code at once, even with prompt=none.
      const next = newRequest(reports.id, REPORTS_REDIRECT, "openid email");
      codeFrom(redirectOf(oidc.browser, await authorize(oidc.browser, next, "none")), next);
      return "without the cookie 403; approve: back with a code; a wrong secret 401 invalid_client (Basic challenge); client_secret_basic 200, no refresh token, id_token and userinfo with email only; remembered (prompt=none gets a code)";
    },
  ],
  [
    coveredBy.submitSecondStep,
    async () => {
      const username = `ts_${account.run}_oidc`;
      await register(username);
      const login = await client.POST("/api/v1/token/access", {
        headers: FORM,
        body: { grant_type: "password", username, password: state.password },
      });
      expectStatus(login, 200);
      const token = need(login.data, "the token body").access_token;
      const app: TOTP = await enrol(token, state.password, username);
      await confirm(token, app.generate());

      const browser = new Browser();
      const request = newRequest(need(oidc.spa, "the public client"), SPA_REDIRECT, "openid");
      const { html } = await openSignIn(browser, request);
      const second = pageOf(browser, await submitSignIn(browser, html, username, state.password), 200);
      expect(second.includes('name="code"'), `the second step's form: ${second.slice(-600)}`);
      const post = (page: string, code: string, cookies: Browser) =>
        client.POST("/oauth2/sign-in/second-step", {
          headers: { ...FORM, ...cookies.headers(), "User-Agent": "flow OIDC browser" },
          body: { request: hidden(page, "request"), csrf: hidden(page, "csrf"), mfa_token: hidden(page, "mfa_token"), code },
          redirect: "manual",
          parseAs: "text",
        });
      const forged = await post(second, wrongCode(app), new Browser());
      pageOf(new Browser(), forged, 403);
      const wrong = pageOf(browser, await post(second, wrongCode(app), browser), 200);
      expect(wrong.includes('role="alert"') && wrong.includes("wrong"), `the refusal on the form: ${wrong.slice(-600)}`);
      expect(browser.cookie(SESSION_COOKIE) === undefined, "no session yet");
      // One step ahead of the code that confirmed the enrolment: newer, within the window.
      const result = await post(wrong, app.generate({ timestamp: Date.now() + STEP_MS }), browser);
      const code = codeFrom(redirectOf(browser, result), request);
      expect(browser.cookie(SESSION_COOKIE) !== undefined, "the session cookie is set");
      const tokens = expectTokens(await exchangePublic(request, code), "openid");
      const claims = await idTokenClaims(tokens, request);
      expect(show(claims.amr) === show(["pwd", "otp", "mfa"]), `amr: ${show(claims.amr)}`);
      return `the password opens the second step's form; without the cookie 403; a wrong code: the form again, refused; the app's code 302 with a code; id_token amr ${show(claims.amr)}`;
    },
  ],
  [
    "a replayed code is refused and ends the session its first exchange opened",
    async () => {
      const request = need(oidc.first, "the authorization request");
      const tokens = need(oidc.tokens, "the tokens");
      const replayed = await exchangePublic(request, need(oidc.code, "the spent code"));
      expectStatus(replayed, 400);
      expectOauthError(replayed.error, "invalid_grant");
      const ended = await client.GET("/oauth2/userinfo", { headers: bearer(tokens.access_token) });
      expectStatus(ended, 401);
      const refresh = await client.POST("/oauth2/token", {
        headers: FORM,
        body: { grant_type: "refresh_token", refresh_token: need(tokens.refresh_token, "the refresh token"), client_id: request.client_id },
      });
      expectStatus(refresh, 400);
      expectOauthError(refresh.error, "invalid_grant");
      return "400 invalid_grant; the access token it issued (refreshed since) 401, its refresh token 400 invalid_grant";
    },
  ],
  [
    coveredBy.endSession,
    async () => {
      const spa = need(oidc.spa, "the public client");
      const idToken = need(need(oidc.tokens, "the tokens").id_token, "the id_token");
      // Signed in: a new request gets its code without a page.
      const live = newRequest(spa, SPA_REDIRECT, "openid");
      codeFrom(redirectOf(oidc.browser, await authorize(oidc.browser, live, "none")), live);
      const before = oidc.browser.copy();
      const nothing = await client.GET("/oauth2/logout", {
        headers: oidc.browser.headers(),
        redirect: "manual",
        parseAs: "text",
      });
      const asked = pageOf(new Browser(), nothing, 200);
      expect(asked.includes("Sign out?"), "without a hint, a signed-in browser is asked to confirm");
      const elsewhere = await client.GET("/oauth2/logout", {
        params: { query: { id_token_hint: idToken, post_logout_redirect_uri: "https://evil.example.com/" } },
        headers: oidc.browser.headers(),
        redirect: "manual",
        parseAs: "text",
      });
      pageOf(new Browser(), elsewhere, 400);
      const bye = randomUUID();
      const result = await client.GET("/oauth2/logout", {
        params: { query: { id_token_hint: idToken, post_logout_redirect_uri: SPA_SIGNED_OUT, state: bye, client_id: spa } },
        headers: oidc.browser.headers(),
        redirect: "manual",
        parseAs: "text",
      });
      const back = redirectOf(oidc.browser, result);
      expect(`${back.origin}${back.pathname}` === SPA_SIGNED_OUT && back.searchParams.get("state") === bye, back.href);
      expect(oidc.browser.cookie(SESSION_COOKIE) === undefined, "the session cookie is cleared");
      // The ended session's cookie no longer signs in.
      const after = newRequest(spa, SPA_REDIRECT, "openid");
      const gone = redirectOf(before, await authorize(before, after, "none"));
      expect(gone.searchParams.get("error") === "login_required" && gone.searchParams.get("state") === after.state, gone.href);
      const page = await client.GET("/oauth2/logout", {
        params: { query: { id_token_hint: idToken } },
        redirect: "manual",
        parseAs: "text",
      });
      const signedOut = pageOf(new Browser(), page, 200);
      return `no hint: asked to confirm (200); an unregistered URI 400; 302 to ${SPA_SIGNED_OUT} with state, the cookie cleared; the old cookie: login_required; without a URI the signed-out page (${signedOut.length} bytes)`;
    },
  ],
];
