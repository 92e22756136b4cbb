// The OpenID Connect steps' browser and relying party: a cookie jar by hand (fetch has none)
// that follows no redirect, the authorization request (PKCE S256 from node:crypto, state,
// nonce), the hosted pages read as text with their hidden fields, the token endpoint's
// answers, and the id_token checked by hand and by jose. Shared by steps/oidc.ts and the
// steps that drive the hosted pages (consents, the passkey form, sign-out).

import { createHash, randomBytes } from "node:crypto";
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import { expect, expectStatus, need, show } from "../check.js";
import { BASE_URL, client } from "../client.js";
import { isRecord } from "../document.js";
import type { components, operations } from "../generated/schema.js";
import { FORM } from "./mfa.js";

/** The provider as discovery named it (set by the discovery step). */
export const provider: { issuer?: string; jwksUri?: string } = {};

export type OauthTokenResponse = components["schemas"]["OauthTokenResponse"];
export type OauthErrorBody = components["schemas"]["OauthErrorBody"];
export type Problem = components["schemas"]["ProblemDetails"];
export type UserInfo = components["schemas"]["UserInfo"];
export type AuthorizeQuery = NonNullable<operations["authorize"]["parameters"]["query"]>;

/** Any answer of the client: its response, and the body it parsed. */
export interface Answer {
  response: Response;
  data?: unknown;
  error?: unknown;
}

// On plain http the cookies have no `__Host-` prefix (browsers keep none from http).
export const CSRF_COOKIE = "accounts_csrf";
export const SESSION_COOKIE = "accounts_session";

/** A browser: the cookies it was given (name to value); it follows no redirect. */
export class Browser {
  private readonly jar = new Map<string, string>();

  /** A second browser holding this one's cookies as they are now. */
  copy(): Browser {
    const other = new Browser();
    for (const [name, value] of this.jar) other.jar.set(name, value);
    return other;
  }

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  /** The `Cookie` header it sends (none while the jar is empty). */
  headers(): Record<string, string> {
    if (this.jar.size === 0) return {};
    return { Cookie: [...this.jar].map(([name, value]) => `${name}=${value}`).join("; ") };
  }

  /** Keeps (or drops, when cleared) each cookie of the response; the `Set-Cookie` lines. */
  keep(response: Response): string[] {
    const lines = response.headers.getSetCookie();
    for (const line of lines) {
      const [pair = "", ...attributes] = line.split(";");
      const at = pair.indexOf("=");
      expect(at > 0, `a Set-Cookie with a name: ${line}`);
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const cleared =
        value === "" ||
        attributes.some((attribute) => {
          const [key = "", setting = ""] = attribute.split("=").map((part) => part.trim());
          if (key.toLowerCase() === "max-age") return Number(setting) <= 0;
          if (key.toLowerCase() === "expires") return Date.parse(setting) <= Date.now();
          return false;
        });
      if (cleared) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return lines;
  }
}

/** One authorization request of a client: what the client keeps until the code comes back. */
export interface AuthRequest {
  client_id: string;
  redirect_uri: string;
  scope: string;
  state: string;
  nonce: string;
  verifier: string;
}

export function newRequest(client_id: string, redirect_uri: string, scope: string): AuthRequest {
  return {
    client_id,
    redirect_uri,
    scope,
    state: randomBytes(12).toString("base64url"),
    nonce: randomBytes(12).toString("base64url"),
    // 32 random bytes: a 43-character verifier (RFC 7636 §4.1).
    verifier: randomBytes(32).toString("base64url"),
  };
}

/** PKCE S256: BASE64URL(SHA256(verifier)). */
export function challengeOf(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

/** OpenID Connect Core §3.1.3.6: the left half of the access token's SHA-256, base64url. */
export function atHashOf(accessToken: string): string {
  return createHash("sha256").update(accessToken).digest().subarray(0, 16).toString("base64url");
}


export function authorize(browser: Browser, request: AuthRequest, prompt?: string) {
  const query: AuthorizeQuery = {
    response_type: "code",
    client_id: request.client_id,
    redirect_uri: request.redirect_uri,
    scope: request.scope,
    state: request.state,
    nonce: request.nonce,
    code_challenge: challengeOf(request.verifier),
    code_challenge_method: "S256",
  };
  if (prompt !== undefined) query.prompt = prompt;
  return client.GET("/oauth2/authorize", {
    params: { query },
    headers: browser.headers(),
    redirect: "manual",
    parseAs: "text",
  });
}

/** A redirect's target (the browser keeps its cookies). */
export function redirectOf(browser: Browser, result: Answer): URL {
  expectStatus(result, 302);
  browser.keep(result.response);
  const to = need(result.response.headers.get("Location") ?? undefined, "a Location header");
  return new URL(to, BASE_URL);
}

/** A page's HTML at `status` (the browser keeps its cookies); every page forbids framing and storing. */
export function pageOf(browser: Browser, result: Answer, status: number): string {
  expectStatus(result, status);
  browser.keep(result.response);
  const headers = result.response.headers;
  expect(headers.get("Content-Type")?.startsWith("text/html") === true, `an HTML page: ${headers.get("Content-Type")}`);
  expect(headers.get("X-Frame-Options") === "DENY", `X-Frame-Options: ${headers.get("X-Frame-Options")}`);
  expect(headers.get("Cache-Control") === "no-store", `Cache-Control: ${headers.get("Cache-Control")}`);
  const html = typeof result.data === "string" ? result.data : typeof result.error === "string" ? result.error : "";
  expect(html.includes("<html"), `an HTML document: ${html.slice(0, 80)}`);
  return html;
}

/** The value of the hidden field `name` of a page's form. */
export function hidden(html: string, name: string): string {
  const found = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(html);
  return need(found?.[1], `the hidden field ${name} in ${html.slice(0, 400)}`);
}

/** The code a redirect back to the client carries, with its `state` and `iss` (RFC 9207). */
export function codeFrom(back: URL, request: AuthRequest): string {
  expect(`${back.origin}${back.pathname}` === request.redirect_uri, `back to ${request.redirect_uri}: ${back.href}`);
  expect(back.searchParams.get("state") === request.state, `state: ${back.href}`);
  expect(back.searchParams.get("iss") === need(provider.issuer, "the issuer"), `iss: ${back.href}`);
  expect(!back.searchParams.has("error"), `no error: ${back.href}`);
  return need(back.searchParams.get("code") ?? undefined, `a code in ${back.href}`);
}

/** From the authorization request to the sign-in page: the page's address and HTML. */
export async function openSignIn(browser: Browser, request: AuthRequest): Promise<{ url: URL; html: string }> {
  const url = redirectOf(browser, await authorize(browser, request));
  expect(url.pathname === "/oauth2/sign-in", `to the sign-in page: ${url.href}`);
  const handle = need(url.searchParams.get("request") ?? undefined, "the pending request's handle");
  const result = await client.GET("/oauth2/sign-in", {
    params: { query: { request: handle } },
    headers: browser.headers(),
    redirect: "manual",
    parseAs: "text",
  });
  const html = pageOf(browser, result, 200);
  expect(hidden(html, "request") === handle, "the form carries the request's handle");
  return { url, html };
}

export function submitSignIn(browser: Browser, html: string, login: string, password: string, csrf = hidden(html, "csrf")) {
  return client.POST("/oauth2/sign-in", {
    headers: { ...FORM, ...browser.headers(), "User-Agent": "flow OIDC browser" },
    body: { request: hidden(html, "request"), csrf, login, password },
    redirect: "manual",
    parseAs: "text",
  });
}

/** The consent page the browser was sent to (`to`, with the request's handle): its HTML. */
export async function openConsent(browser: Browser, to: URL): Promise<string> {
  expect(to.pathname === "/oauth2/consent", `to the consent page: ${to.href}`);
  const result = await client.GET("/oauth2/consent", {
    params: { query: { request: need(to.searchParams.get("request") ?? undefined, "the handle") } },
    headers: browser.headers(),
    redirect: "manual",
    parseAs: "text",
  });
  return pageOf(browser, result, 200);
}

/** Answers the consent page `html` with `decision` (approve or deny) from `browser`. */
export function answerConsent(browser: Browser, html: string, decision: "approve" | "deny") {
  return client.POST("/oauth2/consent", {
    headers: { ...FORM, ...browser.headers() },
    body: { request: hidden(html, "request"), csrf: hidden(html, "csrf"), decision },
    redirect: "manual",
    parseAs: "text",
  });
}

/** The public client exchanges `code` with its verifier (no secret: `none`). */
export function exchangePublic(request: AuthRequest, code: string, verifier = request.verifier) {
  return client.POST("/oauth2/token", {
    headers: FORM,
    body: {
      grant_type: "authorization_code",
      code,
      redirect_uri: request.redirect_uri,
      code_verifier: verifier,
      client_id: request.client_id,
    },
  });
}

export function basic(id: string, secret: string): { Authorization: string } {
  return { Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}` };
}

/** An OAuth error body (RFC 6749 §5.2), not a problem document. */
export function expectOauthError(error: OauthErrorBody | Problem | undefined, kind: string): OauthErrorBody {
  const body = need(error, `an OAuth error ${kind}`);
  expect("error" in body && body.error === kind, `expected ${kind}, got ${show(body)}`);
  expect(body.error_description.length > 0, `an error_description: ${show(body)}`);
  return body;
}

export function expectTokens(result: Answer & { data?: OauthTokenResponse }, scope: string): OauthTokenResponse {
  expectStatus(result, 200);
  const tokens = need(result.data, "the tokens");
  expect(tokens.token_type === "Bearer" && tokens.expires_in > 0, show(tokens));
  expect(tokens.scope === scope, `scope ${scope}: ${show(tokens.scope)}`);
  expect(result.response.headers.get("Cache-Control") === "no-store", "Cache-Control: no-store");
  return tokens;
}

/**
 * The id_token's claims: the payload decoded by hand, then the signature, `iss`, `aud` and
 * `exp` checked by jose with the key of `jwks_uri`; `nonce` and `at_hash` compared here.
 */
export async function idTokenClaims(tokens: OauthTokenResponse, request: AuthRequest): Promise<JWTPayload> {
  const idToken = need(tokens.id_token, "an id_token (the scope has openid)");
  const parts = idToken.split(".");
  expect(parts.length === 3, `a JWS in compact form: ${idToken.slice(0, 40)}`);
  const decoded: unknown = JSON.parse(Buffer.from(need(parts[1], "the payload"), "base64url").toString("utf8"));
  expect(isRecord(decoded), `a JSON object: ${show(decoded)}`);
  expect(decoded.iss === need(provider.issuer, "the issuer"), `iss: ${show(decoded.iss)}`);
  expect(decoded.aud === request.client_id, `aud is the client_id: ${show(decoded.aud)}`);
  expect(decoded.nonce === request.nonce, `nonce: ${show(decoded.nonce)}`);
  expect(decoded.at_hash === atHashOf(tokens.access_token), `at_hash: ${show(decoded.at_hash)}`);
  for (const claim of ["sub", "exp", "iat", "auth_time", "sid"]) {
    expect(decoded[claim] !== undefined, `${claim} in ${show(decoded)}`);
  }
  const keys = createRemoteJWKSet(new URL(need(provider.jwksUri, "jwks_uri")));
  const { payload, protectedHeader } = await jwtVerify(idToken, keys, {
    algorithms: ["RS256"],
    issuer: need(provider.issuer, "the issuer"),
    audience: request.client_id,
  });
  expect(typeof protectedHeader.kid === "string", `a kid: ${show(protectedHeader)}`);
  expect(show(payload) === show(decoded), "jose read the payload decoded by hand");
  return payload;
}

export function userinfoOf(result: Answer & { data?: UserInfo }): UserInfo {
  expectStatus(result, 200);
  expect(result.response.headers.get("Cache-Control") === "no-store", "Cache-Control: no-store");
  return need(result.data, "the claims");
}
