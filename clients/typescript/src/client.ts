// The client: generated types, openapi-fetch calls. The middleware records which operation each
// request was (by method and the typed path) and flags a status the document does not declare.

import createClient, { type Middleware } from "openapi-fetch";
import { called, undocumented } from "./check.js";
import { type DocumentOperation, operationsInDocument } from "./document.js";
import type { paths } from "./generated/schema.js";

export const BASE_URL = process.env.API_BASE_URL ?? "http://127.0.0.1:18311";

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

export const client = createClient<paths>({ baseUrl: BASE_URL });
client.use(recorder);

export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}
