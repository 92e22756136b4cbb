// Administration: an operator makes an administrator with the manage CLI (as the README says),
// who then finds, reads, disables and enables the run's account, grants and revokes a
// permission, lists and ends its sessions, reads the audit trail, and deletes an account.

import { execFileSync } from "node:child_process";
import { expect, expectProblem, expectStatus, need, show } from "../check.js";
import { bearer, client } from "../client.js";
import { account, coveredBy, login, type Step, state, statusWith } from "./shared.js";

const ADMIN = `ts_${account.run}_admin`;
const PERMISSIONS = ["users:read", "users:write", "sessions:revoke", "audit:read", "clients:write"];
const admin: { token?: string; spare?: string } = {};

/** Runs `manage users <args>` on the server's database (run.sh names both). */
function manage(...args: string[]): string {
  const bin = need(process.env.MANAGE_BIN, "MANAGE_BIN");
  const env = { ...process.env, DATABASE_URL: need(process.env.MANAGE_DATABASE_URL, "MANAGE_DATABASE_URL"), APP_ENV: "test" };
  return execFileSync(bin, ["users", ...args], { env, encoding: "utf8" }).trim();
}

/** Registers `username` (address `<username>@<run>.test`, the run's password); its id. */
export async function register(username: string): Promise<string> {
  const result = await client.POST("/api/v1/users", {
    body: { username, email: `${username}@${account.run}.test`, password: state.password },
  });
  expectStatus(result, 201);
  return need(result.data, "the new user").id;
}

/** The administrator's (every permission) bearer header. */
export function adminToken(): { Authorization: string } {
  return bearer(need(admin.token, "the administrator's token"));
}

function runAccountId(): string {
  return need(state.user, "the registered user").id;
}

export const adminSteps: Step[] = [
  [
    "an operator makes an administrator with the manage CLI",
    async () => {
      await register(ADMIN);
      const said = PERMISSIONS.map((p) => manage("grant", ADMIN, p));
      const result = await client.POST("/api/v1/token/access", {
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: { grant_type: "password", username: ADMIN, password: state.password },
      });
      expectStatus(result, 200);
      admin.token = need(result.data, "the token body").access_token;
      return said.join("; ");
    },
  ],
  [
    "an account without the permission is refused, naming it",
    async () => {
      const result = await client.GET("/api/v1/admin/users", { headers: bearer(need(state.token, "the token")) });
      expectStatus(result, 403);
      const problem = expectProblem(result.error, 403, "missing-permission");
      expect(problem.permission === "users:read", show(problem));
      return `403 missing-permission, permission ${problem.permission}`;
    },
  ],
  [
    coveredBy.listUsers,
    async () => {
      const first = await client.GET("/api/v1/admin/users", {
        headers: adminToken(),
        params: { query: { q: `ts_${account.run}`, limit: 1 } },
      });
      expectStatus(first, 200);
      const page = need(first.data, "the first page");
      const cursor = need(page.next_cursor ?? undefined, "a next cursor");
      const second = await client.GET("/api/v1/admin/users", {
        headers: adminToken(),
        params: { query: { q: `ts_${account.run}`, limit: 1, cursor } },
      });
      expectStatus(second, 200);
      const names = [...page.items, ...need(second.data, "the second page").items].map((u) => u.username);
      expect(names.length === 2 && names.includes(ADMIN) && names.includes(account.renamed), show(names));
      return `two pages of one: ${names.join(", ")}`;
    },
  ],
  [
    coveredBy.grantPermission,
    async () => {
      const result = await client.PUT("/api/v1/admin/users/{id}/permissions/{permission}", {
        headers: adminToken(),
        params: { path: { id: runAccountId(), permission: "audit:read" } },
      });
      expectStatus(result, 204);
      return "204";
    },
  ],
  [
    coveredBy.getUser,
    async () => {
      const result = await client.GET("/api/v1/admin/users/{id}", {
        headers: adminToken(),
        params: { path: { id: runAccountId() } },
      });
      expectStatus(result, 200);
      const found = need(result.data, "the account");
      expect(found.permissions.includes("audit:read") && !found.disabled, show(found));
      expect(found.session_count >= 1, show(found));
      expect(found.passkey_count === 0, `no passkey yet: ${show(found)}`);
      return `permissions ${found.permissions.join(",")}, ${found.session_count} live session(s), ${found.passkey_count} passkeys`;
    },
  ],
  [
    coveredBy.revokePermission,
    async () => {
      const result = await client.DELETE("/api/v1/admin/users/{id}/permissions/{permission}", {
        headers: adminToken(),
        params: { path: { id: runAccountId(), permission: "audit:read" } },
      });
      expectStatus(result, 204);
      return "204";
    },
  ],
  [
    coveredBy.listUserSessions,
    async () => {
      const result = await client.GET("/api/v1/admin/users/{id}/sessions", {
        headers: adminToken(),
        params: { path: { id: runAccountId() } },
      });
      expectStatus(result, 200);
      const sessions = need(result.data, "the sessions");
      expect(sessions.length >= 1, show(sessions));
      return `${sessions.length} live session(s)`;
    },
  ],
  [
    coveredBy.updateUser,
    async () => {
      const id = runAccountId();
      const disabled = await client.PATCH("/api/v1/admin/users/{id}", {
        headers: adminToken(),
        params: { path: { id } },
        body: { disabled: true },
      });
      expectStatus(disabled, 200);
      expect(need(disabled.data, "the account").disabled, show(disabled.data));
      expect((await statusWith(need(state.token, "the token"))) === 401, "its token died at once");
      const refused = await client.POST("/api/v1/token/access", {
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: { grant_type: "password", username: account.renamed, password: state.password },
      });
      expectStatus(refused, 403);
      expectProblem(refused.error, 403, "account-disabled");
      const enabled = await client.PATCH("/api/v1/admin/users/{id}", {
        headers: adminToken(),
        params: { path: { id } },
        body: { disabled: false },
      });
      expectStatus(enabled, 200);
      const session = await login("flow after re-enable");
      state.token = session.access;
      state.refreshToken = session.refresh;
      return "disabled: token 401, login 403 account-disabled; enabled: login works";
    },
  ],
  [
    coveredBy.deleteUserSessions,
    async () => {
      const spare = await login("a session the administrator ends");
      const result = await client.DELETE("/api/v1/admin/users/{id}/sessions", {
        headers: adminToken(),
        params: { path: { id: runAccountId() } },
      });
      expectStatus(result, 204);
      expect((await statusWith(spare.access)) === 401, "the ended session's token died");
      const session = await login("flow after the sessions ended");
      state.token = session.access;
      state.refreshToken = session.refresh;
      return "204, its tokens died at once";
    },
  ],
  [
    coveredBy.listAuditEvents,
    async () => {
      const result = await client.GET("/api/v1/admin/audit", {
        headers: adminToken(),
        params: { query: { target: runAccountId(), limit: 100 } },
      });
      expectStatus(result, 200);
      const actions = need(result.data, "the audit page").items.map((event) => event.action);
      const wanted: typeof actions = ["permission.granted", "permission.revoked", "account.disabled", "account.enabled"];
      for (const want of wanted) {
        expect(actions.includes(want), `${want} in ${show(actions)}`);
      }
      return `${actions.length} events about the account, newest first: ${actions.slice(0, 4).join(", ")}`;
    },
  ],
  [
    coveredBy.deleteUser,
    async () => {
      admin.spare = await register(`ts_${account.run}_spare`);
      const result = await client.DELETE("/api/v1/admin/users/{id}", {
        headers: adminToken(),
        params: { path: { id: need(admin.spare, "the spare account") } },
      });
      expectStatus(result, 204);
      const gone = await client.GET("/api/v1/admin/users/{id}", {
        headers: adminToken(),
        params: { path: { id: need(admin.spare, "the spare account") } },
      });
      expectStatus(gone, 404);
      return "204, then 404";
    },
  ],
];
