// The end of the account: deleting it ends its sessions.

import { expect, expectProblem, expectStatus, expectUser, need, show } from "../check.js";
import { bearer, client } from "../client.js";
import { coveredBy, type Step, account, state } from "./shared.js";

const { renamed, email } = account;

export const closingSteps: Step[] = [
  [
    "deleting with a wrong password is a typed 403",
    async () => {
      const result = await client.DELETE("/api/v1/users", {
        headers: bearer(need(state.token, "the access token")),
        body: { password: `${state.password}-wrong` },
      });
      expectStatus(result, 403);
      const problem = expectProblem(result.error, 403, "wrong-password");
      return `403 ${problem.type}`;
    },
  ],
  [
    coveredBy.deleteCurrentUser,
    async () => {
      const token = need(state.token, "the access token");
      const user = need(state.user, "the registered user");
      const result = await client.DELETE("/api/v1/users", {
        headers: bearer(token),
        body: { password: state.password },
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

