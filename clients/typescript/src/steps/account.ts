// The account's life: health, sign-up, log in, read, update, confirm the address.

import { expect, expectProblem, expectStatus, expectUser, need, show } from "../check.js";
import { isRecord } from "../document.js";
import { bearer, client } from "../client.js";
import { mailedTokens } from "../maildev.js";
import { CONFIRMATION, coveredBy, type Step, account, state } from "./shared.js";

const { username, renamed, email } = account;

export const accountSteps: Step[] = [
  [
    coveredBy.checkHealth,
    async () => {
      const result = await client.GET("/api/v1/health");
      expectStatus(result, 200);
      const health = need(result.data, "the health body");
      expect(health.status === "ok" || health.status === "degraded", `status: ${show(health)}`);
      expect(health.checks.database === "ok", `database: ${show(health.checks)}`);
      return `status ${health.status}, database ${health.checks.database}`;
    },
  ],
  [
    coveredBy.checkLiveness,
    async () => {
      const result = await client.GET("/api/v1/health/live");
      expectStatus(result, 200);
      const live = need(result.data, "the liveness body");
      expect(live.status === "ok", `status: ${show(live)}`);
      return "200 ok";
    },
  ],
  [
    coveredBy.checkReadiness,
    async () => {
      const result = await client.GET("/api/v1/health/ready");
      expectStatus(result, 200);
      const ready = need(result.data, "the readiness body");
      const { database, outbox } = ready.checks;
      expect(ready.status === "ok", `status: ${show(ready)}`);
      expect(database.status === "ok" && (database.latency_ms ?? -1) >= 0, `database: ${show(database)}`);
      expect(outbox.status === "ok" && outbox.oldest_event_age_seconds !== null, `outbox: ${show(outbox)}`);
      return `database ${database.latency_ms} ms, outbox ${outbox.oldest_event_age_seconds} s old`;
    },
  ],
  [
    coveredBy.createUser,
    async () => {
      const result = await client.POST("/api/v1/users", {
        body: { username, email, password: state.password },
      });
      expectStatus(result, 201);
      state.user = expectUser(result.data, { username, email, email_verified: false });
      return `201, id ${state.user.id}`;
    },
  ],
  [
    "duplicate registration is a typed 409",
    async () => {
      const result = await client.POST("/api/v1/users", {
        body: { username: username.toUpperCase(), email: `other.${email}`, password: state.password },
      });
      expectStatus(result, 409);
      const problem = expectProblem(result.error, 409, "conflict");
      const field = problem.errors?.[0]?.field;
      expect(field === "username", `errors[0].field: expected username, got ${show(problem.errors)}`);
      return `409 ${problem.type}, errors[0].field ${field}`;
    },
  ],
  [
    "a wrong password is a typed 401",
    async () => {
      const result = await client.POST("/api/v1/token/access", {
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: { grant_type: "password", username, password: `${state.password}-wrong` },
      });
      expectStatus(result, 401);
      const problem = expectProblem(result.error, 401, "invalid-credentials");
      return `401 ${problem.type}`;
    },
  ],
  [
    coveredBy.createAccessToken,
    async () => {
      const result = await client.POST("/api/v1/token/access", {
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: { grant_type: "password", username, password: state.password },
      });
      expectStatus(result, 200);
      const issued = need(result.data, "the token body");
      expect(issued.token_type === "Bearer", `token_type: ${issued.token_type}`);
      expect(issued.access_token.split(".").length === 3, "access_token is a JWT");
      expect(issued.expires_in > 0, `expires_in: ${issued.expires_in}`);
      const cacheControl = result.response.headers.get("Cache-Control");
      expect(cacheControl === "no-store", `Cache-Control: ${cacheControl}`);
      expect(issued.refresh_token.length >= 32, "a refresh token comes with it");
      state.token = issued.access_token;
      state.refreshToken = issued.refresh_token;
      return `200 ${issued.token_type}, expires in ${issued.expires_in} s, with a refresh token`;
    },
  ],
  [
    coveredBy.getJwks,
    async () => {
      const token = need(state.token, "the access token");
      const result = await client.GET("/.well-known/jwks.json");
      expectStatus(result, 200);
      const set = need(result.data, "the key set");
      const [header] = token.split(".");
      const named: unknown = JSON.parse(Buffer.from(need(header, "the JWT header"), "base64url").toString());
      const kid = isRecord(named) ? named.kid : undefined;
      const key = set.keys.find((k) => k.kid === kid);
      expect(key !== undefined, `the token's kid ${show(kid)} is not among ${show(set.keys.map((k) => k.kid))}`);
      expect(key.kty === "RSA" && key.alg === "RS256" && key.use === "sig", `key: ${show(key)}`);
      return `${set.keys.length} key(s), kid ${key.kid}`;
    },
  ],
  [
    coveredBy.getCurrentUser,
    async () => {
      const token = need(state.token, "the access token");
      const user = need(state.user, "the registered user");
      const result = await client.GET("/api/v1/users", { headers: bearer(token) });
      expectStatus(result, 200);
      expectUser(result.data, { id: user.id, username, email, email_verified: false });
      return "200, the registered account";
    },
  ],
  [
    coveredBy.updateCurrentUser,
    async () => {
      const token = need(state.token, "the access token");
      const user = need(state.user, "the registered user");
      const result = await client.PATCH("/api/v1/users", {
        headers: bearer(token),
        body: { username: renamed },
      });
      expectStatus(result, 200);
      const updated = expectUser(result.data, { id: user.id, username: renamed, email });
      expect(updated.updated_at >= user.updated_at, "updated_at moves forward");
      return `200, username ${updated.username}`;
    },
  ],
  [
    "a new address needs the current password: 422 without it, a typed 403 when wrong",
    async () => {
      const token = need(state.token, "the access token");
      const moved = `moved.${email}`;
      const missing = await client.PATCH("/api/v1/users", {
        headers: bearer(token),
        body: { email: moved },
      });
      expectStatus(missing, 422);
      const problem = expectProblem(missing.error, 422, "validation");
      const fields = (problem.errors ?? []).map((e) => e.field);
      expect(show(fields) === show(["current_password"]), `errors[]: ${show(problem.errors)}`);
      const wrong = await client.PATCH("/api/v1/users", {
        headers: bearer(token),
        body: { email: moved, current_password: `${state.password}-wrong` },
      });
      expectStatus(wrong, 403);
      const refused = expectProblem(wrong.error, 403, "wrong-password");
      const me = await client.GET("/api/v1/users", { headers: bearer(token) });
      expectStatus(me, 200);
      expect(me.data?.email === email, "the address did not move");
      return `422 naming current_password; 403 ${refused.type}; the address stays`;
    },
  ],
  [
    "invalid fields are a typed 422 naming each",
    async () => {
      const token = need(state.token, "the access token");
      const result = await client.PATCH("/api/v1/users", {
        headers: bearer(token),
        body: { username: "a!", email: "not-an-address" },
      });
      expectStatus(result, 422);
      const problem = expectProblem(result.error, 422, "validation");
      const fields = (problem.errors ?? []).map((e) => e.field).sort();
      expect(show(fields) === show(["email", "username"]), `errors[]: ${show(problem.errors)}`);
      expect((problem.errors ?? []).every((e) => e.message.length > 0), "each error has a message");
      return `422 ${problem.type}, errors[] name ${fields.join(" and ")}`;
    },
  ],
  [
    "the confirmation e-mail arrives",
    async () => {
      state.mailedTokens = await mailedTokens(CONFIRMATION, email, 1);
      return `${state.mailedTokens.length} token(s) mailed to ${email}`;
    },
  ],
  [
    coveredBy.requestEmailVerification,
    async () => {
      const token = need(state.token, "the access token");
      const result = await client.POST("/api/v1/users/email-verification", {
        headers: bearer(token),
      });
      expectStatus(result, 202);
      const tokens = await mailedTokens(CONFIRMATION, email, 2);
      expect(tokens[0] !== tokens[1], "the new e-mail carries a fresh token");
      state.mailedTokens = tokens;
      return "202, a second confirmation e-mail with a fresh token";
    },
  ],
  [
    coveredBy.confirmEmailVerification,
    async () => {
      const user = need(state.user, "the registered user");
      const mailed = need(state.mailedTokens?.[0], "a mailed token");
      const result = await client.POST("/api/v1/users/email-verification/confirm", {
        body: { token: mailed },
      });
      expectStatus(result, 200);
      expectUser(result.data, { id: user.id, username: renamed, email, email_verified: true });
      return "200, email_verified true";
    },
  ],
  [
    "a used confirmation token is a typed 410",
    async () => {
      const mailed = need(state.mailedTokens?.[0], "a mailed token");
      const result = await client.POST("/api/v1/users/email-verification/confirm", {
        body: { token: mailed },
      });
      expectStatus(result, 410);
      const problem = expectProblem(result.error, 410, "verification-token-used");
      return `410 ${problem.type}`;
    },
  ],
  [
    "resending after confirming is a typed 409",
    async () => {
      const token = need(state.token, "the access token");
      const result = await client.POST("/api/v1/users/email-verification", {
        headers: bearer(token),
      });
      expectStatus(result, 409);
      const problem = expectProblem(result.error, 409, "email-already-verified");
      const me = await client.GET("/api/v1/users", { headers: bearer(token) });
      expectStatus(me, 200);
      expectUser(me.data, { email_verified: true });
      return `409 ${problem.type}; GET shows email_verified true`;
    },
  ],
];
