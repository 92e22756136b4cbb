// Assertions and the step results the flow reports.

import type { components } from "./generated/schema.js";

export type Problem = components["schemas"]["ProblemDetails"];
export type User = components["schemas"]["User"];

export interface StepResult {
  name: string;
  ok: boolean;
  detail: string;
}

export const results: StepResult[] = [];
export const called = new Map<string, number>();
export const undocumented: string[] = [];

export class AssertionFailed extends Error {}

export function expect(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AssertionFailed(message);
}

export function show(value: unknown): string {
  return JSON.stringify(value);
}

/** Asserts the response status; the body is shown when it is not the expected one. */
export function expectStatus(
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
export function expectProblem(problem: Problem | undefined, status: number, kind: string): Problem {
  expect(problem !== undefined, `expected a /problems/${kind} body, got none`);
  expect(
    problem.type === `/problems/${kind}` && problem.status === status,
    `expected /problems/${kind} (${status}), got ${show(problem)}`,
  );
  expect(problem.title.length > 0 && problem.detail.length > 0, `title and detail: ${show(problem)}`);
  return problem;
}

const USER_FIELDS: (keyof User)[] = ["id", "username", "email", "email_verified", "created_at", "updated_at"];

export function expectUser(user: User | undefined, expected: Partial<User>): User {
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

/** The value an earlier step left, or a failure naming it. */
export function need<T>(value: T | undefined, what: string): T {
  expect(value !== undefined, `${what} is missing (an earlier step failed)`);
  return value;
}
