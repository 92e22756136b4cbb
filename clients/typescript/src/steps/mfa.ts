// Two-step sign-in (TOTP, RFC 6238): an independent authenticator (the otpauth package) reads
// the enrolment's otpauth:// URI and computes the codes. The run's account enrols, confirms,
// signs in in two steps (jose checks `amr`), is asked for a code by the sensitive operations,
// spends recovery codes, replaces them and turns TOTP off again, so the steps after these find
// an account with a password only. A second account has its TOTP removed by the administrator.
//
// A TOTP code is accepted once per account, and never one of an older step: the run's account
// uses the app's code twice only (to confirm, then one step ahead, as a phone clock up to 30 s
// fast would, to sign in), and recovery codes for every other confirmation, so no step waits.

import { randomUUID } from "node:crypto";
import { TOTP, URI } from "otpauth";
import { expect, expectProblem, expectStatus, need, show } from "../check.js";
import { bearer, client } from "../client.js";
import type { components } from "../generated/schema.js";
import { mailedTexts } from "../maildev.js";
import { adminToken, register } from "./admin.js";
import { verifiedClaims } from "./sessions.js";
import { account, coveredBy, login, type Step, state, statusWith } from "./shared.js";

type Mfa = components["schemas"]["Mfa"];
type TotpEnrolment = components["schemas"]["TotpEnrolment"];

export const FORM = { "Content-Type": "application/x-www-form-urlencoded" };
const MFA_GRANT = "urn:accounts-api:params:oauth:grant-type:mfa";
const METHODS = ["totp", "recovery_code"];
const RECOVERY_CODE = /^[0-9a-z]{5}-[0-9a-z]{5}$/i;
export const STEP_MS = 30_000;

const MAIL = {
  enabled: "Two-step sign-in is on",
  disabled: "Two-step sign-in is off",
  reset: "An administrator turned off your two-step sign-in",
  recoveryCodeUsed: "A recovery code was used on your account",
};

/** What one step leaves for the next. */
const mfa: {
  app?: TOTP;
  /** The app's code that turned TOTP on. */
  confirmedWith?: string;
  /** The ten codes confirming answered, then the ten that replaced them. */
  codes?: string[];
  fresh?: string[];
  /** Another session of the account, which turning TOTP off (or the password change) ends. */
  passwordSession?: string;
} = {};

export async function mfaOf(token: string): Promise<Mfa> {
  const result = await client.GET("/api/v1/mfa", { headers: bearer(token) });
  expectStatus(result, 200);
  return need(result.data, "the second factors");
}

export function expectNoSecondFactor(found: Mfa): void {
  expect(!found.totp.enabled && found.totp.confirmed_at == null, `totp: ${show(found.totp)}`);
  expect(found.recovery_codes_left === 0 && found.passkeys === 0 && found.methods.length === 0, show(found));
}

/** The authenticator app: otpauth parses the enrolment's URI, which must match its `secret`. */
function authenticator(enrolment: TotpEnrolment, username: string): TOTP {
  const parsed = URI.parse(enrolment.otpauth_uri);
  expect(parsed instanceof TOTP, `a TOTP URI: ${enrolment.otpauth_uri}`);
  expect(
    parsed.algorithm === "SHA1" && parsed.digits === 6 && parsed.period === 30,
    `SHA-1, 6 digits, 30 s: ${enrolment.otpauth_uri}`,
  );
  expect(parsed.secret.base32 === enrolment.secret, `the URI's secret is the base32 one: ${enrolment.otpauth_uri}`);
  expect(parsed.label === username && parsed.issuer.length > 0, `label and issuer: ${enrolment.otpauth_uri}`);
  expect(enrolment.qr_svg.includes("<svg"), `qr_svg is an SVG image: ${enrolment.qr_svg.slice(0, 60)}`);
  return parsed;
}

/** Six digits that are none of the app's codes from two steps back to two ahead. */
export function wrongCode(app: TOTP): string {
  const now = Date.now();
  const near = [-2, -1, 0, 1, 2].map((step) => app.generate({ timestamp: now + step * STEP_MS }));
  for (let n = 0; ; n += 1) {
    const code = String(n).padStart(6, "0");
    if (!near.includes(code)) return code;
  }
}

export async function enrol(token: string, password: string, username: string): Promise<TOTP> {
  const result = await client.POST("/api/v1/mfa/totp", {
    headers: bearer(token),
    body: { current_password: password },
  });
  expectStatus(result, 201);
  return authenticator(need(result.data, "the enrolment"), username);
}

export async function confirm(token: string, code: string): Promise<string[]> {
  const result = await client.POST("/api/v1/mfa/totp/confirm", { headers: bearer(token), body: { code } });
  expectStatus(result, 200);
  return expectRecoveryCodes(result.data);
}

function expectRecoveryCodes(body: components["schemas"]["RecoveryCodes"] | undefined): string[] {
  const codes = need(body, "the recovery codes").recovery_codes;
  expect(codes.length === 10 && new Set(codes).size === 10, `ten distinct codes: ${show(codes)}`);
  expect(codes.every((code) => RECOVERY_CODE.test(code)), `each xxxxx-xxxxx: ${show(codes)}`);
  return codes;
}

/** The password grant of an account with TOTP: 401 mfa-required; its `mfa_token`. */
export async function firstStep(username: string, password: string): Promise<string> {
  const result = await client.POST("/api/v1/token/access", {
    headers: FORM,
    body: { grant_type: "password", username, password },
  });
  expectStatus(result, 401);
  const problem = expectProblem(result.error, 401, "mfa-required");
  expect(show(problem.methods) === show(METHODS), `methods: ${show(problem)}`);
  return need(problem.mfa_token, "the mfa_token");
}

export type SecondFactor = { otp: string } | { recovery_code: string } | { assertion: string };

/** The second step of a login: the raw result, for the caller to judge. */
export function secondStep(mfaToken: string, factor: SecondFactor) {
  return client.POST("/api/v1/token/access", {
    headers: { ...FORM, "User-Agent": "flow two-step login" },
    body: { grant_type: MFA_GRANT, mfa_token: mfaToken, ...factor },
  });
}

async function signedInWith(mfaToken: string, factor: SecondFactor): Promise<{ access: string; refresh: string }> {
  const result = await secondStep(mfaToken, factor);
  expectStatus(result, 200);
  const issued = need(result.data, "the token body");
  expect(issued.token_type === "Bearer" && issued.refresh_token.length >= 32, show(issued));
  const claims = await verifiedClaims(issued.access_token);
  expect(show(claims.amr) === show(["pwd", "otp", "mfa"]), `amr: ${show(claims.amr)}`);
  return { access: issued.access_token, refresh: issued.refresh_token };
}

async function refusedCode(mfaToken: string, factor: SecondFactor): Promise<void> {
  const result = await secondStep(mfaToken, factor);
  expectStatus(result, 401);
  expectProblem(result.error, 401, "invalid-mfa-code");
}

function codes(which: "codes" | "fresh"): string[] {
  return need(mfa[which], which === "codes" ? "the first recovery codes" : "the new recovery codes");
}

function code(which: "codes" | "fresh", index: number): string {
  return need(codes(which)[index], `recovery code ${index}`);
}

export const mfaSteps: Step[] = [
  [
    coveredBy.getMfa,
    async () => {
      const found = await mfaOf(need(state.token, "the token"));
      expectNoSecondFactor(found);
      return "200, totp off, no recovery codes, no second-step methods";
    },
  ],
  [
    coveredBy.enrollTotp,
    async () => {
      const token = need(state.token, "the token");
      const wrong = await client.POST("/api/v1/mfa/totp", {
        headers: bearer(token),
        body: { current_password: `${state.password}-wrong` },
      });
      expectStatus(wrong, 403);
      expectProblem(wrong.error, 403, "wrong-password");
      mfa.app = await enrol(token, state.password, account.renamed);
      expectNoSecondFactor(await mfaOf(token));
      return `403 wrong-password; 201, otpauth reads ${mfa.app.issuer}:${mfa.app.label} (SHA1, 6 digits, 30 s); pending, still off`;
    },
  ],
  [
    coveredBy.confirmTotp,
    async () => {
      const token = need(state.token, "the token");
      const app = need(mfa.app, "the authenticator");
      const wrong = await client.POST("/api/v1/mfa/totp/confirm", {
        headers: bearer(token),
        body: { code: wrongCode(app) },
      });
      expectStatus(wrong, 403);
      expectProblem(wrong.error, 403, "wrong-mfa-code");
      mfa.confirmedWith = app.generate();
      mfa.codes = await confirm(token, mfa.confirmedWith);
      const found = await mfaOf(token);
      expect(found.totp.enabled && !Number.isNaN(Date.parse(found.totp.confirmed_at ?? "")), show(found.totp));
      expect(found.recovery_codes_left === 10 && show(found.methods) === show(METHODS), show(found));
      const [mail] = await mailedTexts(MAIL.enabled, account.email, 1);
      expect(need(mail, "the e-mail").includes(account.renamed), `the e-mail names the account: ${show(mail)}`);
      const again = await client.POST("/api/v1/mfa/totp", {
        headers: bearer(token),
        body: { current_password: state.password },
      });
      expectStatus(again, 409);
      expectProblem(again.error, 409, "totp-already-enabled");
      return `403 wrong-mfa-code; 200, ten recovery codes; on, methods ${found.methods.join(",")}; "${MAIL.enabled}" mailed; enrolling again 409`;
    },
  ],
  [
    "the password grant asks for a second step; a spent code is refused, the next one signs in (amr pwd otp mfa)",
    async () => {
      const app = need(mfa.app, "the authenticator");
      const mfaToken = await firstStep(account.renamed, state.password);
      // The code that confirmed the enrolment is spent: never accepted again for this account.
      await refusedCode(mfaToken, { otp: need(mfa.confirmedWith, "the confirming code") });
      // One step ahead: newer than any accepted yet, and within the server's one-step window.
      const session = await signedInWith(mfaToken, { otp: app.generate({ timestamp: Date.now() + STEP_MS }) });
      const spent = await secondStep(mfaToken, { otp: app.generate({ timestamp: Date.now() + STEP_MS }) });
      expectStatus(spent, 401);
      expectProblem(spent.error, 401, "invalid-mfa-token");
      const refreshed = await client.POST("/api/v1/token/access", {
        body: { grant_type: "refresh_token", refresh_token: session.refresh },
      });
      expectStatus(refreshed, 200);
      const renewed = need(refreshed.data, "the refreshed token body");
      const claims = await verifiedClaims(renewed.access_token);
      expect(show(claims.amr) === show(["pwd", "otp", "mfa"]), `amr after a refresh: ${show(claims.amr)}`);
      mfa.passwordSession = need(state.token, "the token");
      state.token = renewed.access_token;
      state.refreshToken = renewed.refresh_token;
      return "401 mfa-required (mfa_token, methods totp,recovery_code); the spent code 401 invalid-mfa-code; the next step's code 200, amr pwd,otp,mfa, kept by the refresh grant; the mfa_token is single use (401 invalid-mfa-token)";
    },
  ],
  [
    "changing the password, the address or deleting the account needs a code (403 mfa-code-required)",
    async () => {
      const headers = bearer(need(state.token, "the token"));
      const password = await client.PUT("/api/v1/users/password", {
        headers,
        body: { current_password: state.password, new_password: `pw-${randomUUID()}` },
      });
      expectStatus(password, 403);
      expectProblem(password.error, 403, "mfa-code-required");
      const address = await client.PATCH("/api/v1/users", {
        headers,
        body: { email: `moved.${account.email}`, current_password: state.password },
      });
      expectStatus(address, 403);
      expectProblem(address.error, 403, "mfa-code-required");
      const deletion = await client.DELETE("/api/v1/users", { headers, body: { password: state.password } });
      expectStatus(deletion, 403);
      expectProblem(deletion.error, 403, "mfa-code-required");
      const wrong = await client.PUT("/api/v1/users/password", {
        headers,
        body: { current_password: state.password, new_password: `pw-${randomUUID()}`, code: wrongCode(need(mfa.app, "the app")) },
      });
      expectStatus(wrong, 403);
      expectProblem(wrong.error, 403, "wrong-mfa-code");
      const me = await client.GET("/api/v1/users", { headers });
      expectStatus(me, 200);
      expect(me.data?.email === account.email, `the address did not move: ${show(me.data)}`);
      return "403 mfa-code-required for each of the three; a wrong code 403 wrong-mfa-code; nothing changed";
    },
  ],
  [
    "a recovery code confirms a password change, once",
    async () => {
      const headers = bearer(need(state.token, "the token"));
      const changed = `pw-${randomUUID()}`;
      const result = await client.PUT("/api/v1/users/password", {
        headers,
        body: { current_password: state.password, new_password: changed, code: code("codes", 0) },
      });
      expectStatus(result, 204);
      state.password = changed;
      expect((await statusWith(need(mfa.passwordSession, "the earlier session"))) === 401, "the other session ended");
      expect((await statusWith(need(state.token, "the token"))) === 200, "the current session lives");
      const again = await client.PUT("/api/v1/users/password", {
        headers,
        body: { current_password: state.password, new_password: `pw-${randomUUID()}`, code: code("codes", 0) },
      });
      expectStatus(again, 403);
      expectProblem(again.error, 403, "wrong-mfa-code");
      const found = await mfaOf(need(state.token, "the token"));
      expect(found.recovery_codes_left === 9, show(found));
      return "204 with a recovery code; the same code again 403 wrong-mfa-code; 9 left";
    },
  ],
  [
    coveredBy.regenerateRecoveryCodes,
    async () => {
      const headers = bearer(need(state.token, "the token"));
      const result = await client.POST("/api/v1/mfa/recovery-codes", {
        headers,
        body: { current_password: state.password, code: code("codes", 1) },
      });
      expectStatus(result, 200);
      mfa.fresh = expectRecoveryCodes(result.data);
      expect(!mfa.fresh.some((fresh) => codes("codes").includes(fresh)), "the new codes are all new");
      const old = await client.POST("/api/v1/mfa/recovery-codes", {
        headers,
        body: { current_password: state.password, code: code("codes", 2) },
      });
      expectStatus(old, 403);
      expectProblem(old.error, 403, "wrong-mfa-code");
      const found = await mfaOf(need(state.token, "the token"));
      expect(found.recovery_codes_left === 10, show(found));
      return "200, ten new codes (confirmed by an old one); an unused old code 403 wrong-mfa-code; 10 left";
    },
  ],
  [
    "a recovery code signs in once (typed in capitals, without the dash); the owner is mailed",
    async () => {
      const typed = code("fresh", 0).toUpperCase().replace("-", "");
      const session = await signedInWith(await firstStep(account.renamed, state.password), { recovery_code: typed });
      await refusedCode(await firstStep(account.email, state.password), { recovery_code: code("fresh", 0) });
      mfa.passwordSession = session.access;
      const found = await mfaOf(session.access);
      expect(found.recovery_codes_left === 9, show(found));
      // Three codes were spent so far (the password change, the replacement, this login).
      const mails = await mailedTexts(MAIL.recoveryCodeUsed, account.email, 3);
      expect(
        mails.some((text) => text.includes("You have 9 recovery codes left")),
        `an e-mail says 9 are left: ${show(mails)}`,
      );
      return `200, amr pwd,otp,mfa; the same code again 401 invalid-mfa-code; 9 left; ${mails.length} "${MAIL.recoveryCodeUsed}" e-mails`;
    },
  ],
  [
    coveredBy.deleteTotp,
    async () => {
      const token = need(state.token, "the token");
      const wrong = await client.DELETE("/api/v1/mfa/totp", {
        headers: bearer(token),
        body: { current_password: `${state.password}-wrong`, code: code("fresh", 1) },
      });
      expectStatus(wrong, 403);
      expectProblem(wrong.error, 403, "wrong-password");
      const result = await client.DELETE("/api/v1/mfa/totp", {
        headers: bearer(token),
        body: { current_password: state.password, code: code("fresh", 1) },
      });
      expectStatus(result, 204);
      expect((await statusWith(need(mfa.passwordSession, "the other session"))) === 401, "the other session ended");
      expect((await statusWith(token)) === 200, "the current session lives");
      expectNoSecondFactor(await mfaOf(token));
      await mailedTexts(MAIL.disabled, account.email, 1);
      const again = await client.DELETE("/api/v1/mfa/totp", {
        headers: bearer(token),
        body: { current_password: state.password, code: code("fresh", 2) },
      });
      expectStatus(again, 409);
      expectProblem(again.error, 409, "totp-not-enabled");
      const session = await login("flow after two-step sign-in");
      const claims = await verifiedClaims(session.access);
      expect(show(claims.amr) === show(["pwd"]), `amr: ${show(claims.amr)}`);
      state.token = session.access;
      state.refreshToken = session.refresh;
      return `403 wrong-password; 204 with a recovery code, the other session ended; off; "${MAIL.disabled}" mailed; again 409 totp-not-enabled; the password alone signs in (amr pwd)`;
    },
  ],
  [
    coveredBy.deleteUserMfa,
    async () => {
      const username = `ts_${account.run}_mfa`;
      const other = { id: await register(username), username, email: `${username}@${account.run}.test`, password: state.password };
      const first = await client.POST("/api/v1/token/access", {
        headers: FORM,
        body: { grant_type: "password", username, password: other.password },
      });
      expectStatus(first, 200);
      const token = need(first.data, "the token body").access_token;
      const app = await enrol(token, other.password, username);
      await confirm(token, app.generate());
      await firstStep(username, other.password);

      const refused = await client.DELETE("/api/v1/admin/users/{id}/mfa", {
        headers: bearer(need(state.token, "the token")),
        params: { path: { id: other.id } },
      });
      expectStatus(refused, 403);
      const problem = expectProblem(refused.error, 403, "missing-permission");
      expect(problem.permission === "users:write", show(problem));
      const unknown = await client.DELETE("/api/v1/admin/users/{id}/mfa", {
        headers: adminToken(),
        params: { path: { id: randomUUID() } },
      });
      expectStatus(unknown, 404);

      const result = await client.DELETE("/api/v1/admin/users/{id}/mfa", {
        headers: adminToken(),
        params: { path: { id: other.id } },
      });
      expectStatus(result, 204);
      const session = await client.POST("/api/v1/token/access", {
        headers: FORM,
        body: { grant_type: "password", username, password: other.password },
      });
      expectStatus(session, 200);
      expectNoSecondFactor(await mfaOf(need(session.data, "the token body").access_token));
      await mailedTexts(MAIL.reset, other.email, 1);
      const audit = await client.GET("/api/v1/admin/audit", {
        headers: adminToken(),
        params: { query: { target: other.id, limit: 100 } },
      });
      expectStatus(audit, 200);
      const actions = need(audit.data, "the audit page").items.map((event) => event.action);
      for (const want of ["mfa.totp_enabled", "login.mfa_required", "mfa.reset"]) {
        expect(actions.some((action) => action === want), `${want} in ${show(actions)}`);
      }
      const idle = await client.DELETE("/api/v1/admin/users/{id}/mfa", {
        headers: adminToken(),
        params: { path: { id: other.id } },
      });
      expectStatus(idle, 204);
      return `without users:write 403; unknown id 404; 204, the password alone signs in; "${MAIL.reset}" mailed; audited mfa.reset; again 204`;
    },
  ],
];
