// Passwords: a change keeps the current session and ends the others; a reset by e-mail ends
// every session; a spent reset token is refused.

import { randomUUID } from "node:crypto";
import { expect, expectProblem, expectStatus, need } from "../check.js";
import { bearer, client } from "../client.js";
import { mailedTokens } from "../maildev.js";
import { PASSWORD_RESET, coveredBy, login, type Step, account, state, statusWith } from "./shared.js";

export const passwordSteps: Step[] = [
  [
    "a wrong current password is a typed 403",
    async () => {
      const result = await client.PUT("/api/v1/users/password", {
        headers: bearer(need(state.token, "the token")),
        body: { current_password: `${state.password}-wrong`, new_password: `pw-${randomUUID()}` },
      });
      expectStatus(result, 403);
      const problem = expectProblem(result.error, 403, "wrong-password");
      return `403 ${problem.type}`;
    },
  ],
  [
    coveredBy.changePassword,
    async () => {
      const other = (await login("flow-password-device")).access;
      const changed = `pw-${randomUUID()}`;
      const result = await client.PUT("/api/v1/users/password", {
        headers: bearer(need(state.token, "the token")),
        body: { current_password: state.password, new_password: changed },
      });
      expectStatus(result, 204);
      state.password = changed;
      expect((await statusWith(need(state.token, "the token"))) === 200, "the current session lives");
      expect((await statusWith(other)) === 401, "the other session ended");
      return "204; the current session lives, the other one ended";
    },
  ],
  [
    coveredBy.requestPasswordReset,
    async () => {
      const known = await client.POST("/api/v1/password-reset", { body: { email: account.email } });
      expectStatus(known, 202);
      const unknown = await client.POST("/api/v1/password-reset", { body: { email: `nobody.${account.email}` } });
      expectStatus(unknown, 202);
      state.mailedTokens = await mailedTokens(PASSWORD_RESET, account.email, 1);
      return "202 for a known and an unknown address alike; the e-mail arrived";
    },
  ],
  [
    coveredBy.confirmPasswordReset,
    async () => {
      const token = need(state.mailedTokens?.[0], "the mailed reset token");
      const reset = `pw-${randomUUID()}`;
      const result = await client.POST("/api/v1/password-reset/confirm", {
        body: { token, new_password: reset },
      });
      expectStatus(result, 204);
      expect((await statusWith(need(state.token, "the token"))) === 401, "every session ended");
      state.password = reset;
      state.token = (await login("flow-after-reset")).access;
      return "204; every session ended; the new password logs in";
    },
  ],
  [
    "a spent reset token is a typed 410",
    async () => {
      const token = need(state.mailedTokens?.[0], "the mailed reset token");
      const result = await client.POST("/api/v1/password-reset/confirm", {
        body: { token, new_password: `pw-${randomUUID()}` },
      });
      expectStatus(result, 410);
      const problem = expectProblem(result.error, 410, "reset-token-used");
      return `410 ${problem.type}`;
    },
  ],
];
