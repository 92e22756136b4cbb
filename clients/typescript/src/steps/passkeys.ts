// Passkeys (WebAuthn). The flow has no authenticator: a real credential or assertion is made by
// `navigator.credentials` in a browser (or a software authenticator, as the Rust tests in
// tests/api/passkeys use), so it checks the options each ceremony starts with and that the
// server refuses what no authenticator made. Each fabricated answer is shaped as WebAuthn
// Level 3's JSON and names the open challenge and the server's origin, so what refuses it is
// WebAuthn's verification, not the parsing. The iOS and Android documents are served from the
// WEBAUTHN_APPLE_APP_IDS and WEBAUTHN_ANDROID_APPS that run.sh gives the server (and the flow).

import { randomBytes, randomUUID } from "node:crypto";
import { expect, expectProblem, expectStatus, need, show } from "../check.js";
import { BASE_URL, bearer, client } from "../client.js";
import { isRecord } from "../document.js";
import { register } from "./admin.js";
import { confirm, enrol, FORM, firstStep, mfaOf, secondStep } from "./mfa.js";
import { account, coveredBy, type Step, state } from "./shared.js";

const PASSKEY_GRANT = "urn:accounts-api:params:oauth:grant-type:passkey";
/** The server's origin: WEBAUTHN_ORIGINS is unset, so outside production it is this one. */
const ORIGIN = `http://localhost:${new URL(BASE_URL).port}`;
const RP_ID = "localhost";
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** What one step leaves for the next. */
const passkeys: { signInChallenge?: string } = {};

function record(value: unknown, what: string): Record<string, unknown> {
  expect(isRecord(value), `${what} is an object: ${show(value)}`);
  return value;
}

function text(value: unknown, what: string): string {
  expect(typeof value === "string", `${what} is a string: ${show(value)}`);
  return value;
}

function list(value: unknown, what: string): unknown[] {
  expect(Array.isArray(value), `${what} is a list: ${show(value)}`);
  return value;
}

/** A base64url member of at least `bytes` bytes. */
function base64url(value: unknown, what: string, bytes: number): Buffer {
  const encoded = text(value, what);
  expect(BASE64URL.test(encoded), `${what} is base64url: ${encoded}`);
  const decoded = Buffer.from(encoded, "base64url");
  expect(decoded.length >= bytes, `${what} has at least ${bytes} bytes: ${encoded}`);
  return decoded;
}

function uuidOf(bytes: Buffer): string {
  const hex = bytes.toString("hex");
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
}

function uuidBytes(id: string): string {
  return Buffer.from(id.replaceAll("-", ""), "hex").toString("base64url");
}

/** A client's `clientDataJSON` for `challenge`, from the server's own origin. */
function clientData(type: "webauthn.create" | "webauthn.get", challenge: string): string {
  return Buffer.from(JSON.stringify({ type, challenge, origin: ORIGIN, crossOrigin: false })).toString("base64url");
}

/** A `RegistrationResponseJSON` answering `challenge` whose attestation no authenticator made. */
function fabricatedCredential(challenge: string): Record<string, unknown> {
  const id = randomBytes(32).toString("base64url");
  return {
    id,
    rawId: id,
    type: "public-key",
    authenticatorAttachment: "platform",
    response: {
      clientDataJSON: clientData("webauthn.create", challenge),
      attestationObject: randomBytes(96).toString("base64url"),
      transports: ["internal"],
    },
    clientExtensionResults: {},
  };
}

/** The JSON text of an `AuthenticationResponseJSON` answering `challenge`, signed by nothing. */
function fabricatedAssertion(challenge: string, userId: string): string {
  const id = randomBytes(32).toString("base64url");
  return JSON.stringify({
    id,
    rawId: id,
    type: "public-key",
    authenticatorAttachment: "platform",
    response: {
      clientDataJSON: clientData("webauthn.get", challenge),
      authenticatorData: randomBytes(37).toString("base64url"),
      signature: randomBytes(72).toString("base64url"),
      userHandle: uuidBytes(userId),
    },
    clientExtensionResults: {},
  });
}

/** The creation options of a registration the run's account (or `token`'s) starts. */
async function startRegistration(token: string, body: { current_password: string; code?: string }) {
  const result = await client.POST("/api/v1/passkeys/registration", { headers: bearer(token), body });
  expectStatus(result, 200);
  return record(need(result.data, "the creation options").publicKey, "publicKey");
}

/** The request options of a sign-in (`{}`) or of a second step (`{ mfa_token }`). */
async function startSignIn(body: { mfa_token?: string }) {
  const result = await client.POST("/api/v1/passkeys/authentication", { body });
  expectStatus(result, 200);
  const options = record(need(result.data, "the request options").publicKey, "publicKey");
  base64url(options.challenge, "challenge", 16);
  expect(options.rpId === RP_ID, `rpId ${RP_ID}: ${show(options)}`);
  expect(options.userVerification === "required", `userVerification required: ${show(options)}`);
  return options;
}

function envList(name: string): string[] {
  return need(process.env[name], name)
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

export const passkeySteps: Step[] = [
  [
    coveredBy.startPasskeyRegistration,
    async () => {
      const token = need(state.token, "the token");
      const user = need(state.user, "the registered user");
      const wrong = await client.POST("/api/v1/passkeys/registration", {
        headers: bearer(token),
        body: { current_password: `${state.password}-wrong` },
      });
      expectStatus(wrong, 403);
      expectProblem(wrong.error, 403, "wrong-password");

      const options = await startRegistration(token, { current_password: state.password });
      const challenge = base64url(options.challenge, "challenge", 16);
      const rp = record(options.rp, "rp");
      expect(rp.id === RP_ID && text(rp.name, "rp.name").length > 0, `rp: ${show(rp)}`);
      const owner = record(options.user, "user");
      // The user handle is the account id: a sign-in without a username finds the account by it.
      const handle = base64url(owner.id, "user.id", 16);
      expect(handle.length === 16 && uuidOf(handle) === user.id, `user.id is the account id ${user.id}: ${show(owner)}`);
      expect(owner.name === account.renamed && owner.displayName === account.renamed, `user: ${show(owner)}`);
      const selection = record(options.authenticatorSelection, "authenticatorSelection");
      expect(
        selection.residentKey === "required" && selection.requireResidentKey === true,
        `a discoverable credential: ${show(selection)}`,
      );
      expect(selection.userVerification === "required", `user verification: ${show(selection)}`);
      const excluded = list(options.excludeCredentials, "excludeCredentials");
      expect(excluded.length === 0, `no passkey to exclude yet: ${show(excluded)}`);
      const algorithms = list(options.pubKeyCredParams, "pubKeyCredParams").map((param) => record(param, "a param").alg);
      expect(algorithms.includes(-7), `ES256 (-7) is offered: ${show(algorithms)}`);
      expect(typeof options.timeout === "number" && options.timeout > 0, `timeout: ${show(options.timeout)}`);

      // A new start replaces the unfinished registration, with a new challenge.
      const again = await startRegistration(token, { current_password: state.password });
      expect(again.challenge !== options.challenge, "each start has its own challenge");
      return `403 wrong-password; 200, a ${challenge.length}-byte challenge, rp ${RP_ID}, user.id the account id, residentKey required, userVerification required, nothing excluded, algs ${algorithms.join(",")}; a new start, a new challenge`;
    },
  ],
  [
    coveredBy.createPasskey,
    async () => {
      const token = need(state.token, "the token");
      const options = await startRegistration(token, { current_password: state.password });
      const challenge = text(options.challenge, "challenge");
      const result = await client.POST("/api/v1/passkeys", {
        headers: bearer(token),
        body: { credential: fabricatedCredential(challenge), name: "flow key" },
      });
      expectStatus(result, 422);
      const problem = expectProblem(result.error, 422, "validation");
      const field = problem.errors?.[0]?.field;
      expect(field === "credential", `the problem names credential: ${show(problem)}`);
      const found = await mfaOf(token);
      expect(found.passkeys === 0, `still no passkey: ${show(found)}`);
      return "a credential answering the open challenge with an attestation no authenticator made: 422 naming credential; still 0 passkeys";
    },
  ],
  [
    coveredBy.listPasskeys,
    async () => {
      const headers = bearer(need(state.token, "the token"));
      const result = await client.GET("/api/v1/passkeys", { headers, params: { query: { limit: 100 } } });
      expectStatus(result, 200);
      const page = need(result.data, "the page");
      expect(page.items.length === 0 && page.next_cursor == null, `an empty last page: ${show(page)}`);
      const cursor = await client.GET("/api/v1/passkeys", { headers, params: { query: { cursor: "not-a-cursor" } } });
      expectStatus(cursor, 422);
      expectProblem(cursor.error, 422, "validation");
      const anonymous = await client.GET("/api/v1/passkeys");
      expectStatus(anonymous, 401);
      return "200, no items, next_cursor null; a cursor the server never gave 422; no bearer 401";
    },
  ],
  [
    coveredBy.updatePasskey,
    async () => {
      const headers = bearer(need(state.token, "the token"));
      const result = await client.PATCH("/api/v1/passkeys/{id}", {
        headers,
        params: { path: { id: randomUUID() } },
        body: { name: "renamed" },
      });
      expectStatus(result, 404);
      expectProblem(result.error, 404, "not-found");
      return "a random id: 404 not-found";
    },
  ],
  [
    coveredBy.deletePasskey,
    async () => {
      const headers = bearer(need(state.token, "the token"));
      const result = await client.DELETE("/api/v1/passkeys/{id}", {
        headers,
        params: { path: { id: randomUUID() } },
        body: { current_password: state.password },
      });
      expectStatus(result, 404);
      expectProblem(result.error, 404, "not-found");
      return "a random id, with the password: 404 not-found";
    },
  ],
  [
    coveredBy.startPasskeyAuthentication,
    async () => {
      const options = await startSignIn({});
      const allowed = list(options.allowCredentials, "allowCredentials");
      expect(allowed.length === 0, `a sign-in without a username allows every discoverable passkey: ${show(allowed)}`);
      const again = await startSignIn({});
      expect(again.challenge !== options.challenge, "each start has its own challenge");
      passkeys.signInChallenge = text(options.challenge, "challenge");
      const bogus = await client.POST("/api/v1/passkeys/authentication", { body: { mfa_token: randomUUID() } });
      expectStatus(bogus, 401);
      expectProblem(bogus.error, 401, "invalid-mfa-token");
      return `{}: 200, rpId ${RP_ID}, allowCredentials [], userVerification required, a new challenge each time; a bogus mfa_token 401 invalid-mfa-token`;
    },
  ],
  [
    "a passkey sign-in refuses an assertion no passkey signed (401 invalid-passkey) and text that is not JSON (422)",
    async () => {
      const user = need(state.user, "the registered user");
      const challenge = need(passkeys.signInChallenge, "the sign-in challenge");
      const refused = await client.POST("/api/v1/token/access", {
        headers: FORM,
        body: { grant_type: PASSKEY_GRANT, assertion: fabricatedAssertion(challenge, user.id) },
      });
      expectStatus(refused, 401);
      expectProblem(refused.error, 401, "invalid-passkey");
      const garbled = await client.POST("/api/v1/token/access", {
        headers: FORM,
        body: { grant_type: PASSKEY_GRANT, assertion: "not json" },
      });
      expectStatus(garbled, 422);
      const problem = expectProblem(garbled.error, 422, "validation");
      expect(problem.errors?.[0]?.field === "assertion", `the problem names assertion: ${show(problem)}`);
      const missing = await client.POST("/api/v1/token/access", { body: { grant_type: PASSKEY_GRANT } });
      expectStatus(missing, 422);
      expect(missing.error?.errors?.[0]?.field === "assertion", `no assertion: ${show(missing.error)}`);
      const metadata = await client.GET("/.well-known/oauth-authorization-server");
      expectStatus(metadata, 200);
      const grants = need(metadata.data, "the metadata").grant_types_supported;
      expect(grants.includes(PASSKEY_GRANT), `the metadata lists the passkey grant: ${show(grants)}`);
      return "a well-formed assertion of the open challenge, signed by no passkey: 401 invalid-passkey; not JSON: 422 naming assertion; none: 422; the OAuth metadata lists the grant";
    },
  ],
  [
    "with TOTP on, registering takes a code; a second step without passkeys is 409 no-passkeys, a refused assertion leaves the mfa_token to a code",
    async () => {
      const username = `ts_${account.run}_pk`;
      const id = await register(username);
      const first = await client.POST("/api/v1/token/access", {
        headers: FORM,
        body: { grant_type: "password", username, password: state.password },
      });
      expectStatus(first, 200);
      const token = need(first.data, "the token body").access_token;
      const app = await enrol(token, state.password, username);
      const codes = await confirm(token, app.generate());

      const noCode = await client.POST("/api/v1/passkeys/registration", {
        headers: bearer(token),
        body: { current_password: state.password },
      });
      expectStatus(noCode, 403);
      expectProblem(noCode.error, 403, "mfa-code-required");
      const options = await startRegistration(token, {
        current_password: state.password,
        code: need(codes[0], "a recovery code"),
      });
      base64url(options.challenge, "challenge", 16);

      const mfaToken = await firstStep(username, state.password);
      const none = await client.POST("/api/v1/passkeys/authentication", { body: { mfa_token: mfaToken } });
      expectStatus(none, 409);
      expectProblem(none.error, 409, "no-passkeys");
      const signIn = await startSignIn({});
      const assertion = fabricatedAssertion(text(signIn.challenge, "challenge"), id);
      const refused = await secondStep(mfaToken, { assertion });
      expectStatus(refused, 401);
      expectProblem(refused.error, 401, "invalid-passkey");
      const signedIn = await secondStep(mfaToken, { recovery_code: need(codes[1], "a recovery code") });
      expectStatus(signedIn, 200);
      const found = await mfaOf(need(signedIn.data, "the token body").access_token);
      expect(found.passkeys === 0 && !found.methods.includes("webauthn"), `no passkey, no webauthn method: ${show(found)}`);
      return "without a code 403 mfa-code-required, a recovery code opens it (200); {mfa_token}: 409 no-passkeys; an assertion no passkey signed: 401 invalid-passkey; the same mfa_token then takes a recovery code (200)";
    },
  ],
  [
    coveredBy.getAppleAppSiteAssociation,
    async () => {
      const result = await client.GET("/.well-known/apple-app-site-association");
      expectStatus(result, 200);
      const apps = need(result.data, "the association").webcredentials.apps;
      const configured = envList("WEBAUTHN_APPLE_APP_IDS");
      expect(show(apps) === show(configured), `webcredentials.apps ${show(apps)}, configured ${show(configured)}`);
      const cache = result.response.headers.get("Cache-Control");
      expect(cache === "public, max-age=300", `Cache-Control: ${show(cache)}`);
      return `200, webcredentials.apps ${apps.join(", ")}; Cache-Control ${cache}`;
    },
  ],
  [
    coveredBy.getAssetLinks,
    async () => {
      const result = await client.GET("/.well-known/assetlinks.json");
      expectStatus(result, 200);
      const statements = need(result.data, "the statements");
      const configured = envList("WEBAUTHN_ANDROID_APPS").map((app) => {
        const [packageName, prints] = app.split("=");
        return {
          packageName: need(packageName, "a package").trim(),
          prints: need(prints, "its fingerprints").split(";").map((print) => print.trim().toUpperCase()),
        };
      });
      expect(statements.length === configured.length, `one statement per app: ${show(statements)}`);
      configured.forEach((app, index) => {
        const statement = need(statements[index], `statement ${index}`);
        expect(
          statement.relation.includes("delegate_permission/common.get_login_creds") &&
            statement.relation.includes("delegate_permission/common.handle_all_urls"),
          `relation: ${show(statement.relation)}`,
        );
        const target = statement.target;
        expect(
          target.namespace === "android_app" &&
            target.package_name === app.packageName &&
            show(target.sha256_cert_fingerprints) === show(app.prints),
          `target: ${show(target)}, configured ${show(app)}`,
        );
      });
      const cache = result.response.headers.get("Cache-Control");
      expect(cache === "public, max-age=300", `Cache-Control: ${show(cache)}`);
      return `200, ${statements.length} statements (get_login_creds, android_app, fingerprints upper-cased); Cache-Control ${cache}`;
    },
  ],
];
