// What the steps share: the operations each step covers, the run's account, the state one step
// leaves for the next, and the e-mails they read.

import { randomUUID } from "node:crypto";
import { expectStatus, need, type User } from "../check.js";
import { bearer, client } from "../client.js";
import type { operations } from "../generated/schema.js";
import type { MailKind } from "../maildev.js";

/** A named step: its result line, or a thrown failure. */
export type Step = [string, () => Promise<string>];

// Which step covers each operation. A new operation in the generated types is a compile error
// here until a step drives it; the run also checks the document's operationIds at run time.
export const coveredBy = {
  checkHealth: "health",
  checkLiveness: "liveness",
  checkReadiness: "readiness, each dependency with its latency",
  createUser: "register",
  createAccessToken: "log in (form-encoded password grant)",
  getJwks: "the published key names the token's key",
  getCurrentUser: "read my account",
  updateCurrentUser: "update my account",
  requestEmailVerification: "resend the confirmation e-mail",
  confirmEmailVerification: "confirm the e-mail address",
  getAuthorizationServerMetadata: "the server's OAuth metadata (RFC 8414)",
  listSessions: "list my sessions",
  deleteSession: "end another session by id",
  deleteOtherSessions: "end every other session",
  revokeToken: "revoke a refresh token (RFC 7009)",
  deleteCurrentSession: "log out",
  changePassword: "change my password",
  requestPasswordReset: "ask for a password-reset e-mail",
  confirmPasswordReset: "reset the password with the mailed token",
  deleteCurrentUser: "delete my account",
  listUsers: "an administrator finds accounts, a page at a time",
  getUser: "an administrator reads an account with its permissions",
  updateUser: "an administrator disables and enables an account",
  deleteUser: "an administrator deletes an account",
  grantPermission: "an administrator grants a permission",
  revokePermission: "an administrator revokes it",
  listUserSessions: "an administrator lists an account's sessions",
  deleteUserSessions: "an administrator ends an account's sessions",
  listAuditEvents: "an administrator reads the account's audit trail",
  getMfa: "read my second factors",
  enrollTotp: "start a TOTP enrolment (otpauth reads the secret)",
  confirmTotp: "turn TOTP on with the app's code, getting recovery codes",
  regenerateRecoveryCodes: "replace my recovery codes",
  deleteTotp: "turn TOTP off with a recovery code",
  deleteUserMfa: "an administrator removes another account's second factors",
  startPasskeyRegistration: "start registering a passkey: the creation options",
  createPasskey: "register a passkey: a credential no authenticator made is refused",
  listPasskeys: "list my passkeys: none yet",
  updatePasskey: "rename a passkey: no passkey with a random id",
  deletePasskey: "delete a passkey: no passkey with a random id",
  startPasskeyAuthentication: "start a passkey sign-in without a username; a bogus mfa_token is refused",
  getAppleAppSiteAssociation: "the iOS apps' association (webcredentials)",
  getAssetLinks: "the Android apps' Digital Asset Links (get_login_creds)",
  createClient: "an administrator registers a public and a confidential OAuth client",
  listClients: "an administrator lists the clients, a page at a time",
  getClient: "an administrator reads a client (never its secret)",
  updateClient: "an administrator changes a client",
  rotateClientSecret: "an administrator makes a confidential client a new secret",
  deleteClient: "an administrator deletes the clients",
  getOpenidConfiguration: "the OpenID configuration (discovery) names the endpoints",
  authorize: "authorize with PKCE S256: on to the sign-in page with a CSRF cookie",
  getSignInPage: "the hosted sign-in page: a form with a hidden CSRF field",
  submitSignIn: "sign in on the page: back to the client with a code, state and iss",
  createOauthToken: "the public client exchanges the code with its verifier: the id_token's claims",
  getUserinfo: "userinfo (GET) answers the granted scopes' claims",
  postUserinfo: "userinfo (POST) answers the same claims",
  getConsentPage: "a third-party client: the consent page",
  submitConsent: "consent approved: the confidential client exchanges the code with HTTP Basic",
  submitSecondStep: "an account with TOTP: the hosted second step",
  endSession: "log out with the id_token_hint: the browser session ends",
  confirmEndSession: "log out without a hint: confirmed on the hosted page",
  listConsents: "list my consents: the third-party client with the scopes granted",
  submitPasskeySignIn: "the sign-in page's passkey form refuses what is no WebAuthn answer",
  deleteConsent: "withdraw a consent: the client's refresh token is refused, the list is empty, again 404",
} satisfies Record<keyof operations, string>;

const run = randomUUID().replaceAll("-", "").slice(0, 12);

/** The account this run creates. */
export const account = {
  run,
  username: `ts_${run}`,
  renamed: `ts_${run}.renamed`,
  email: `ts.${run}@${run}.test`,
};

export interface State {
  /** The account's password: a step may change it. */
  password: string;
  user?: User;
  token?: string;
  refreshToken?: string;
  otherSession?: { id: string; access: string };
  mailedTokens?: string[];
}

export const state: State = { password: `pw-${randomUUID()}` };

export const CONFIRMATION: MailKind = {
  subject: "Confirm your e-mail address",
  page: process.env.CONFIRM_PAGE ?? "http://localhost:3000/confirm-email",
};

export const PASSWORD_RESET: MailKind = {
  subject: "Reset your password",
  page: process.env.PASSWORD_RESET_PAGE ?? "http://localhost:3000/reset-password",
};

/** A new session of the run's account (its current password), from a device named `device`. */
export async function login(device: string): Promise<{ access: string; refresh: string }> {
  const result = await client.POST("/api/v1/token/access", {
    headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": device },
    body: { grant_type: "password", username: account.renamed, password: state.password },
  });
  expectStatus(result, 200);
  const issued = need(result.data, "the token body");
  return { access: issued.access_token, refresh: issued.refresh_token };
}

/** The status GET /api/v1/users answers with `token`. */
export async function statusWith(token: string): Promise<number> {
  const result = await client.GET("/api/v1/users", { headers: bearer(token) });
  return result.response.status;
}
