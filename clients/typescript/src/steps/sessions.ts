// Sessions: the server's metadata and keys checked by an independent JWT library (jose), the
// refresh grant, the session list, ending one, the others, the current one, and revocation.

import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import { expect, expectProblem, expectStatus, need, show } from "../check.js";
import { bearer, client } from "../client.js";
import { coveredBy, login, type Step, state, statusWith } from "./shared.js";

const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

interface Metadata {
  issuer?: string;
  jwksUri?: string;
}
const metadata: Metadata = {};

/** An access token's claims, once jose has verified it with the key from `jwks_uri`. */
export async function verifiedClaims(token: string): Promise<JWTPayload> {
  const keys = createRemoteJWKSet(new URL(need(metadata.jwksUri, "jwks_uri")));
  const { payload } = await jwtVerify(token, keys, {
    algorithms: ["RS256"],
    issuer: need(metadata.issuer, "the issuer"),
  });
  return payload;
}

export const sessionSteps: Step[] = [
  [
    coveredBy.getAuthorizationServerMetadata,
    async () => {
      const result = await client.GET("/.well-known/oauth-authorization-server");
      expectStatus(result, 200);
      const found = need(result.data, "the metadata");
      expect(found.grant_types_supported.includes("refresh_token"), show(found));
      expect(found.token_endpoint.endsWith("/api/v1/token/access"), show(found));
      expect(found.revocation_endpoint.endsWith("/api/v1/token/revoke"), show(found));
      metadata.issuer = found.issuer;
      metadata.jwksUri = found.jwks_uri;
      return `issuer ${found.issuer}, jwks_uri ${found.jwks_uri}`;
    },
  ],
  [
    "jose verifies the access token with the key from jwks_uri",
    async () => {
      const keys = createRemoteJWKSet(new URL(need(metadata.jwksUri, "jwks_uri")));
      const { payload, protectedHeader } = await jwtVerify(need(state.token, "the access token"), keys, {
        algorithms: ["RS256"],
        issuer: need(metadata.issuer, "the issuer"),
      });
      const user = need(state.user, "the registered user");
      expect(payload.sub === user.id, `sub: ${show(payload.sub)}`);
      expect(typeof payload.sid === "string", `sid: ${show(payload.sid)}`);
      expect(show(payload.amr) === show(["pwd"]), `amr: ${show(payload.amr)}`);
      expect(typeof payload.auth_time === "number", `auth_time: ${show(payload.auth_time)}`);
      return `RS256, kid ${protectedHeader.kid}, sub, sid, amr and auth_time right`;
    },
  ],
  [
    "the refresh grant rotates the refresh token",
    async () => {
      const spent = need(state.refreshToken, "the refresh token");
      const result = await client.POST("/api/v1/token/access", {
        body: { grant_type: "refresh_token", refresh_token: spent },
      });
      expectStatus(result, 200);
      const issued = need(result.data, "the token body");
      expect(issued.refresh_token !== spent, "a new refresh token");
      expect((await statusWith(issued.access_token)) === 200, "the new access token works");
      state.token = issued.access_token;
      state.refreshToken = issued.refresh_token;
      return "200, a new pair for the same session";
    },
  ],
  [
    coveredBy.listSessions,
    async () => {
      const other = await login("flow-second-device");
      const result = await client.GET("/api/v1/sessions", { headers: bearer(need(state.token, "the token")) });
      expectStatus(result, 200);
      const sessions = need(result.data, "the session list");
      expect(sessions.length === 2, `two sessions: ${show(sessions)}`);
      const [newest, oldest] = sessions;
      expect(newest?.user_agent === "flow-second-device" && !newest.current, `newest: ${show(newest)}`);
      expect(oldest?.current === true, `the caller's own is current: ${show(oldest)}`);
      state.otherSession = { id: newest.id, access: other.access };
      return `200, ${sessions.length} sessions, newest first, the caller's marked current`;
    },
  ],
  [
    coveredBy.deleteSession,
    async () => {
      const other = need(state.otherSession, "the second session");
      const result = await client.DELETE("/api/v1/sessions/{id}", {
        headers: bearer(need(state.token, "the token")),
        params: { path: { id: other.id } },
      });
      expectStatus(result, 204);
      expect((await statusWith(other.access)) === 401, "its access token is refused at once");
      const again = await client.DELETE("/api/v1/sessions/{id}", {
        headers: bearer(need(state.token, "the token")),
        params: { path: { id: other.id } },
      });
      expectStatus(again, 404);
      return "204; its token 401 at once; ending it again 404";
    },
  ],
  [
    coveredBy.deleteOtherSessions,
    async () => {
      const others = [await login("flow-third-device"), await login("flow-fourth-device")];
      const result = await client.DELETE("/api/v1/sessions", { headers: bearer(need(state.token, "the token")) });
      expectStatus(result, 204);
      for (const other of others) expect((await statusWith(other.access)) === 401, "the others end");
      expect((await statusWith(need(state.token, "the token"))) === 200, "the current one lives");
      return "204; two other sessions ended, the current one lives";
    },
  ],
  [
    coveredBy.revokeToken,
    async () => {
      const other = await login("flow-revoked-device");
      const result = await client.POST("/api/v1/token/revoke", {
        headers: FORM,
        body: { token: other.refresh, token_type_hint: "refresh_token" },
      });
      expectStatus(result, 200);
      const refreshed = await client.POST("/api/v1/token/access", {
        body: { grant_type: "refresh_token", refresh_token: other.refresh },
      });
      expectStatus(refreshed, 401);
      expectProblem(refreshed.error, 401, "invalid-refresh-token");
      expect((await statusWith(other.access)) === 401, "its access token ends too");
      const unknown = await client.POST("/api/v1/token/revoke", { headers: FORM, body: { token: "never-issued" } });
      expectStatus(unknown, 200);
      return "200; its refresh and access tokens refused (401); an unknown token 200 too";
    },
  ],
  [
    coveredBy.deleteCurrentSession,
    async () => {
      const other = await login("flow-logout-device");
      const result = await client.DELETE("/api/v1/sessions/current", { headers: bearer(other.access) });
      expectStatus(result, 204);
      expect((await statusWith(other.access)) === 401, "logged out at once");
      expect((await statusWith(need(state.token, "the token"))) === 200, "the flow's session lives");
      return "204; that session's token 401 at once, the others unaffected";
    },
  ],
];
