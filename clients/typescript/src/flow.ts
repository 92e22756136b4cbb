// Drives every operation of the accounts API through the client generated from the running
// server's /openapi.json (openapi-typescript types + openapi-fetch calls), asserting the status
// and the typed body at each step. Only generated types and functions: no `any`, no casts.
//
// Environment (run.sh sets them): API_BASE_URL, OPENAPI_DOCUMENT (the document the types were
// generated from), MAILDEV_API_URL, CONFIRM_PAGE and PASSWORD_RESET_PAGE (the server's
// EMAIL_VERIFICATION_URL and PASSWORD_RESET_URL).

import { called, results, undocumented } from "./check.js";
import { BASE_URL } from "./client.js";
import { operationsInDocument } from "./document.js";
import { accountSteps } from "./steps/account.js";
import { adminSteps } from "./steps/admin.js";
import { clientSteps } from "./steps/clients.js";
import { closingSteps } from "./steps/closing.js";
import { consentSteps } from "./steps/consents.js";
import { mfaSteps } from "./steps/mfa.js";
import { oidcSteps } from "./steps/oidc.js";
import { passkeyPageSteps } from "./steps/passkey-page.js";
import { signOutSteps } from "./steps/sign-out.js";
import { passkeySteps } from "./steps/passkeys.js";
import { passwordSteps } from "./steps/password.js";
import { sessionSteps } from "./steps/sessions.js";
import { type Step, account } from "./steps/shared.js";

// The OpenID Connect steps sign the run's account in on the hosted pages while it has its
// password alone (before the two-step sign-in steps), with clients the administrator registers;
// the consent steps follow with an account of their own (its consents alone are listed).
// The two-step sign-in steps need the administrator (for deleteUserMfa) and turn TOTP off
// again before the closing steps delete the account with its password alone. The passkey
// steps reuse the TOTP helpers for an account of their own.
const steps: Step[] = [
  ...accountSteps,
  ...sessionSteps,
  ...passwordSteps,
  ...adminSteps,
  ...clientSteps,
  ...oidcSteps,
  ...consentSteps,
  ...passkeyPageSteps,
  ...signOutSteps,
  ...mfaSteps,
  ...passkeySteps,
  ...closingSteps,
];

async function main(): Promise<number> {
  const started = Date.now();
  console.log(`accounts-api TypeScript client flow against ${BASE_URL} (run ${account.run})`);
  let failedAt: string | undefined;
  for (const [name, step] of steps) {
    if (failedAt !== undefined) {
      results.push({ name, ok: false, detail: `not run: "${failedAt}" failed` });
      continue;
    }
    try {
      results.push({ name, ok: true, detail: await step() });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      results.push({ name, ok: false, detail });
      failedAt = name;
    }
  }

  // Every operation of the document the client was generated from was called.
  const missing = operationsInDocument.filter((op) => !called.has(op.operationId));
  results.push({
    name: `every operationId in the document was called (${operationsInDocument.length})`,
    ok: missing.length === 0,
    detail:
      missing.length === 0
        ? operationsInDocument.map((op) => `${op.operationId}×${called.get(op.operationId)}`).join(" ")
        : `never called: ${missing.map((op) => `${op.operationId} (${op.method} ${op.path})`).join(", ")}`,
  });
  const strays = [...called.keys()].filter((key) => !operationsInDocument.some((op) => op.operationId === key));
  results.push({
    name: "every call was an operation of the document, answered with a declared status",
    ok: strays.length === 0 && undocumented.length === 0,
    detail: [...strays, ...undocumented].join("; ") || `${[...called.values()].reduce((a, b) => a + b, 0)} calls`,
  });

  for (const result of results) {
    console.log(`${result.ok ? "PASS" : "FAIL"}  ${result.name} — ${result.detail}`);
  }
  const passed = results.filter((result) => result.ok).length;
  const failed = results.length - passed;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(failed === 0 ? `PASS: the flow passed in ${seconds} s` : `FAIL: ${failed} of ${results.length} checks failed`);
  console.log(`flow: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
