// OAuth clients: the administrator (granted clients:write with the others) registers a public
// and a confidential client, pages through them, changes one, makes the confidential one a new
// secret (the public one has none), and deletes both.

import { expect, expectProblem, expectStatus, need, show } from "../check.js";
import { client } from "../client.js";
import { adminToken } from "./admin.js";
import { account, coveredBy, type Step } from "./shared.js";

const registered: { public?: string; confidential?: string; secret?: string } = {};

export const clientSteps: Step[] = [
  [
    coveredBy.createClient,
    async () => {
      const spa = await client.POST("/api/v1/admin/clients", {
        headers: adminToken(),
        body: {
          name: `SPA ${account.run}`,
          client_type: "public",
          redirect_uris: ["http://127.0.0.1/callback", "https://app.example.com/callback"],
        },
      });
      expectStatus(spa, 201);
      const created = need(spa.data, "the public client");
      expect(created.client_secret === null, `a public client has no secret: ${show(created)}`);
      expect(created.client.allowed_scopes.join(" ") === "openid profile email", show(created.client));
      registered.public = created.client.client_id;
      const server = await client.POST("/api/v1/admin/clients", {
        headers: adminToken(),
        body: {
          name: `Reports ${account.run}`,
          client_type: "confidential",
          redirect_uris: ["https://reports.example.com/oidc/callback"],
          allowed_scopes: ["openid", "email", "users:read"],
        },
      });
      expectStatus(server, 201);
      const confidential = need(server.data, "the confidential client");
      registered.confidential = confidential.client.client_id;
      registered.secret = need(confidential.client_secret ?? undefined, "the secret, shown once");
      const refused = await client.POST("/api/v1/admin/clients", {
        headers: adminToken(),
        body: { name: "Evil", client_type: "public", redirect_uris: ["https://*.example.com/cb"] },
      });
      expectStatus(refused, 422);
      const problem = expectProblem(refused.error, 422, "validation");
      return `public ${registered.public}, confidential with a ${registered.secret.length}-character secret; a wildcard redirect refused (${show(problem.errors)})`;
    },
  ],
  [
    coveredBy.listClients,
    async () => {
      const first = await client.GET("/api/v1/admin/clients", { headers: adminToken(), params: { query: { limit: 1 } } });
      expectStatus(first, 200);
      const page = need(first.data, "the first page");
      const ids = page.items.map((c) => c.client_id);
      let cursor = page.next_cursor ?? undefined;
      while (cursor !== undefined) {
        const next = await client.GET("/api/v1/admin/clients", { headers: adminToken(), params: { query: { limit: 100, cursor } } });
        expectStatus(next, 200);
        const more = need(next.data, "the next page");
        ids.push(...more.items.map((c) => c.client_id));
        cursor = more.next_cursor ?? undefined;
      }
      expect(ids.includes(need(registered.public, "the public client")), show(ids));
      expect(ids.includes(need(registered.confidential, "the confidential client")), show(ids));
      return `${ids.length} client(s), the first page of one`;
    },
  ],
  [
    coveredBy.getClient,
    async () => {
      const result = await client.GET("/api/v1/admin/clients/{client_id}", {
        headers: adminToken(),
        params: { path: { client_id: need(registered.confidential, "the confidential client") } },
      });
      expectStatus(result, 200);
      const found = need(result.data, "the client");
      expect(!JSON.stringify(found).includes(need(registered.secret, "the secret")), "the secret is never read back");
      expect(found.client_type === "confidential" && found.secret_set_at !== null, show(found));
      return `${found.name}: ${found.grant_types.join(", ")}`;
    },
  ],
  [
    coveredBy.updateClient,
    async () => {
      const result = await client.PATCH("/api/v1/admin/clients/{client_id}", {
        headers: adminToken(),
        params: { path: { client_id: need(registered.public, "the public client") } },
        body: { first_party: true, post_logout_redirect_uris: ["https://app.example.com/signed-out"] },
      });
      expectStatus(result, 200);
      const changed = need(result.data, "the client");
      expect(changed.first_party && changed.post_logout_redirect_uris.length === 1, show(changed));
      return "first-party, with a post-logout redirect";
    },
  ],
  [
    coveredBy.rotateClientSecret,
    async () => {
      const rotated = await client.POST("/api/v1/admin/clients/{client_id}/secret", {
        headers: adminToken(),
        params: { path: { client_id: need(registered.confidential, "the confidential client") } },
      });
      expectStatus(rotated, 200);
      const secret = need(rotated.data, "the new secret").client_secret;
      expect(secret !== registered.secret && secret.length === 43, "a new secret");
      const refused = await client.POST("/api/v1/admin/clients/{client_id}/secret", {
        headers: adminToken(),
        params: { path: { client_id: need(registered.public, "the public client") } },
      });
      expectStatus(refused, 409);
      expectProblem(refused.error, 409, "public-client");
      return "a new secret; the public client has none (409 public-client)";
    },
  ],
  [
    coveredBy.deleteClient,
    async () => {
      for (const id of [registered.public, registered.confidential]) {
        const client_id = need(id, "a registered client");
        const deleted = await client.DELETE("/api/v1/admin/clients/{client_id}", {
          headers: adminToken(),
          params: { path: { client_id } },
        });
        expectStatus(deleted, 204);
        const gone = await client.GET("/api/v1/admin/clients/{client_id}", { headers: adminToken(), params: { path: { client_id } } });
        expectStatus(gone, 404);
      }
      return "both deleted; each then 404";
    },
  ],
];
