// Drives every operation of the accounts API through the client generated from the running
// server's /openapi.json (openapi-typescript types + openapi-fetch calls), asserting the status
// and the typed body at each step. Only generated types and functions: no `any`, no casts.
//
// Environment (run.sh sets them): API_BASE_URL, OPENAPI_DOCUMENT (the document the types were
// generated from), MAILDEV_API_URL, CONFIRM_PAGE (the server's EMAIL_VERIFICATION_URL).

import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import createClient, { type Middleware } from "openapi-fetch";
import type { components, operations, paths } from "./generated/schema.js";

type Problem = components["schemas"]["ProblemDetails"];
type User = components["schemas"]["User"];
type OperationId = keyof operations;

const BASE_URL = process.env.API_BASE_URL ?? "http://127.0.0.1:18311";
const DOCUMENT_PATH = process.env.OPENAPI_DOCUMENT ?? "src/generated/openapi.json";
const MAILDEV_API_URL = process.env.MAILDEV_API_URL ?? "http://127.0.0.1:1080/api/email";
const CONFIRM_PAGE = process.env.CONFIRM_PAGE ?? "http://localhost:3000/confirm-email";
const CONFIRM_SUBJECT = "Confirm your e-mail address";
const MAIL_WAIT_MS = 15_000;

// Which step covers each operation. A new operation in the generated types is a compile error
// here until a step drives it; the run also checks the document's operationIds at run time.
const coveredBy = {
  checkHealth: "health",
  createUser: "register",
  createAccessToken: "log in (form-encoded password grant)",
  getJwks: "the published key names the token's key",
  getCurrentUser: "read my account",
  updateCurrentUser: "update my account",
  requestEmailVerification: "resend the confirmation e-mail",
  confirmEmailVerification: "confirm the e-mail address",
  deleteCurrentUser: "delete my account",
} satisfies Record<OperationId, string>;

// ---------------------------------------------------------------------------------------------
// The document the client was generated from: its operations and their declared statuses.

interface DocumentOperation {
  operationId: string;
  method: string;
  path: string;
  statuses: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function documentOperations(file: string): DocumentOperation[] {
  const document: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (!isRecord(document) || !isRecord(document.paths)) {
    throw new Error(`${file} is not an OpenAPI document with paths`);
  }
  const found: DocumentOperation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    if (!isRecord(item)) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isRecord(operation)) continue;
      const operationId = operation.operationId;
      if (typeof operationId !== "string") {
        throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
      }
      const responses = isRecord(operation.responses) ? Object.keys(operation.responses) : [];
      found.push({ operationId, method: method.toUpperCase(), path, statuses: responses });
    }
  }
  return found;
}

const operationsInDocument = documentOperations(DOCUMENT_PATH);

// ---------------------------------------------------------------------------------------------
// Results.

interface StepResult {
  name: string;
  ok: boolean;
  detail: string;
}

const results: StepResult[] = [];
const called = new Map<string, number>();
const undocumented: string[] = [];

class AssertionFailed extends Error {}

function expect(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AssertionFailed(message);
}

function show(value: unknown): string {
  return JSON.stringify(value);
}

/** Asserts the response status; the body is shown when it is not the expected one. */
function expectStatus(
  result: { response: Response; data?: unknown; error?: unknown },
  status: number,
): void {
  const got = result.response.status;
  expect(
    got === status,
    `expected ${status}, got ${got}: ${show(result.error ?? result.data ?? null)}`,
  );
}

/** Asserts a problem document of the given kind (`/problems/<kind>`) and status. */
function expectProblem(problem: Problem | undefined, status: number, kind: string): Problem {
  expect(problem !== undefined, `expected a /problems/${kind} body, got none`);
  expect(
    problem.type === `/problems/${kind}` && problem.status === status,
    `expected /problems/${kind} (${status}), got ${show(problem)}`,
  );
  expect(problem.title.length > 0 && problem.detail.length > 0, `title and detail: ${show(problem)}`);
  return problem;
}

const USER_FIELDS: (keyof User)[] = ["id", "username", "email", "email_verified", "created_at", "updated_at"];

function expectUser(user: User | undefined, expected: Partial<User>): User {
  expect(user !== undefined, "expected a User body, got none");
  for (const key of USER_FIELDS) {
    const want = expected[key];
    expect(want === undefined || user[key] === want, `${key}: expected ${show(want)}, got ${show(user[key])}`);
  }
  expect(/^[0-9a-f-]{36}$/.test(user.id), `id is a UUID: ${user.id}`);
  expect(!Number.isNaN(Date.parse(user.created_at)), `created_at is a date: ${user.created_at}`);
  expect(!Number.isNaN(Date.parse(user.updated_at)), `updated_at is a date: ${user.updated_at}`);
  return user;
}

// ---------------------------------------------------------------------------------------------
// The client: generated types, openapi-fetch calls. The middleware records which operation each
// request was (by method and the typed path) and flags a status the document does not declare.

function operationFor(method: string, path: string): DocumentOperation | undefined {
  return operationsInDocument.find((op) => op.method === method && op.path === path);
}

const recorder: Middleware = {
  onRequest({ request, schemaPath }) {
    const op = operationFor(request.method, schemaPath);
    const key = op?.operationId ?? `${request.method} ${schemaPath} (not in the document)`;
    called.set(key, (called.get(key) ?? 0) + 1);
    return undefined;
  },
  onResponse({ request, schemaPath, response }) {
    const op = operationFor(request.method, schemaPath);
    const status = String(response.status);
    if (op && !op.statuses.includes(status) && !op.statuses.includes("default")) {
      undocumented.push(`${op.operationId} answered ${status}, not among ${op.statuses.join(", ")}`);
    }
    return undefined;
  },
};

const client = createClient<paths>({ baseUrl: BASE_URL });
client.use(recorder);

function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

// ---------------------------------------------------------------------------------------------
// MailDev: the confirmation token mailed to an address, found as the Rust tests find it (the
// word of the text that starts with the confirmation page; the token follows `token=`).

async function confirmationTokens(address: string, count: number): Promise<string[]> {
  const deadline = Date.now() + MAIL_WAIT_MS;
  for (;;) {
    const response = await fetch(MAILDEV_API_URL);
    expect(response.ok, `MailDev at ${MAILDEV_API_URL} answered ${response.status}`);
    const inbox: unknown = await response.json();
    expect(Array.isArray(inbox), "MailDev's inbox is a list");
    const tokens: string[] = [];
    for (const mail of inbox) {
      if (!isRecord(mail) || mail.subject !== CONFIRM_SUBJECT || !Array.isArray(mail.to)) continue;
      const toAddress = mail.to.some((to: unknown) => isRecord(to) && to.address === address);
      if (!toAddress || typeof mail.text !== "string") continue;
      const link = mail.text.split(/\s+/).find((word) => word.startsWith(CONFIRM_PAGE));
      expect(link !== undefined, `no ${CONFIRM_PAGE} link in ${show(mail.text)}`);
      const token = link.split("token=")[1];
      expect(token !== undefined && token.length > 0, `no token in ${link}`);
      tokens.push(token);
    }
    if (tokens.length >= count) return tokens;
    expect(
      Date.now() < deadline,
      `${count} confirmation e-mails to ${address} expected within ${MAIL_WAIT_MS} ms, ${tokens.length} arrived`,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// ---------------------------------------------------------------------------------------------
// The flow.

const run = randomUUID().replaceAll("-", "").slice(0, 12);
const username = `ts_${run}`;
const renamed = `ts_${run}.renamed`;
const email = `ts.${run}@${run}.test`;
const password = `pw-${randomUUID()}`;

interface State {
  user?: User;
  token?: string;
  mailedTokens?: string[];
}
const state: State = {};

function need<T>(value: T | undefined, what: string): T {
  expect(value !== undefined, `${what} is missing (an earlier step failed)`);
  return value;
}

const steps: [string, () => Promise<string>][] = [
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
    coveredBy.createUser,
    async () => {
      const result = await client.POST("/api/v1/users", {
        body: { username, email, password },
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
        body: { username: username.toUpperCase(), email: `other.${email}`, password },
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
        body: { grant_type: "password", username, password: `${password}-wrong` },
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
        body: { grant_type: "password", username, password },
      });
      expectStatus(result, 200);
      const issued = need(result.data, "the token body");
      expect(issued.token_type === "Bearer", `token_type: ${issued.token_type}`);
      expect(issued.access_token.split(".").length === 3, "access_token is a JWT");
      expect(issued.expires_in > 0, `expires_in: ${issued.expires_in}`);
      const cacheControl = result.response.headers.get("Cache-Control");
      expect(cacheControl === "no-store", `Cache-Control: ${cacheControl}`);
      state.token = issued.access_token;
      return `200 ${issued.token_type}, expires in ${issued.expires_in} s`;
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
      state.mailedTokens = await confirmationTokens(email, 1);
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
      const tokens = await confirmationTokens(email, 2);
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
  [
    coveredBy.deleteCurrentUser,
    async () => {
      const token = need(state.token, "the access token");
      const user = need(state.user, "the registered user");
      const result = await client.DELETE("/api/v1/users", {
        headers: bearer(token),
        body: { password },
      });
      expectStatus(result, 200);
      expectUser(result.data, { id: user.id, username: renamed, email });
      return "200, the deleted account";
    },
  ],
  [
    "the token no longer works",
    async () => {
      const token = need(state.token, "the access token");
      const result = await client.GET("/api/v1/users", { headers: bearer(token) });
      expectStatus(result, 401);
      const problem = need(result.error, "the 401 body");
      expect(problem.status === 401 && problem.type.startsWith("/problems/"), show(problem));
      expect(
        result.response.headers.get("WWW-Authenticate")?.startsWith("Bearer") === true,
        "a Bearer challenge",
      );
      return `401 ${problem.type}`;
    },
  ],
];

async function main(): Promise<number> {
  const started = Date.now();
  console.log(`accounts-api TypeScript client flow against ${BASE_URL} (run ${run})`);
  let failedAt: string | undefined;
  for (const [name, step] of steps) {
    if (failedAt !== undefined) {
      results.push({ name, ok: false, detail: `not run: "${failedAt}" failed` });
      continue;
    }
    try {
      results.push({ name, ok: true, detail: await step() });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      results.push({ name, ok: false, detail });
      failedAt = name;
    }
  }

  // Every operation of the document the client was generated from was called.
  const missing = operationsInDocument.filter((op) => !called.has(op.operationId));
  results.push({
    name: `every operationId in the document was called (${operationsInDocument.length})`,
    ok: missing.length === 0,
    detail:
      missing.length === 0
        ? operationsInDocument.map((op) => `${op.operationId}×${called.get(op.operationId)}`).join(" ")
        : `never called: ${missing.map((op) => `${op.operationId} (${op.method} ${op.path})`).join(", ")}`,
  });
  const strays = [...called.keys()].filter((key) => !operationsInDocument.some((op) => op.operationId === key));
  results.push({
    name: "every call was an operation of the document, answered with a declared status",
    ok: strays.length === 0 && undocumented.length === 0,
    detail: [...strays, ...undocumented].join("; ") || `${[...called.values()].reduce((a, b) => a + b, 0)} calls`,
  });

  for (const result of results) {
    console.log(`${result.ok ? "PASS" : "FAIL"}  ${result.name} — ${result.detail}`);
  }
  const passed = results.filter((result) => result.ok).length;
  const failed = results.length - passed;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(failed === 0 ? `PASS: the flow passed in ${seconds} s` : `FAIL: ${failed} of ${results.length} checks failed`);
  console.log(`flow: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
