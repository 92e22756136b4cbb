// The document the client was generated from: its operations and their declared statuses.

import { readFileSync } from "node:fs";

const DOCUMENT_PATH = process.env.OPENAPI_DOCUMENT ?? "src/generated/openapi.json";

export interface DocumentOperation {
  operationId: string;
  method: string;
  path: string;
  statuses: string[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

export function documentOperations(file: string): DocumentOperation[] {
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


export const operationsInDocument = documentOperations(DOCUMENT_PATH);
