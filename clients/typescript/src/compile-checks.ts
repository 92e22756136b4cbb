// Never run: `tsc --strict --noEmit` checks that the generated client refuses what the document
// forbids. Each `@ts-expect-error` fails the type check if the line below it compiles, i.e. if
// the generated types stopped catching the mistake.

import createClient from "openapi-fetch";
import type { paths } from "./generated/schema.js";

const client = createClient<paths>({ baseUrl: "http://127.0.0.1" });

export async function refusedAtCompileTime(): Promise<void> {
  // @ts-expect-error a path the document does not have
  await client.GET("/api/v1/user");
  // @ts-expect-error a method the path does not have
  await client.PUT("/api/v1/users", { body: {} });
  // @ts-expect-error registration without a password
  await client.POST("/api/v1/users", { body: { username: "alice", email: "alice@example.com" } });
  // @ts-expect-error a misspelt field
  await client.POST("/api/v1/users", { body: { username: "alice", email: "a@example.com", pasword: "x" } });
  // @ts-expect-error a grant the document does not allow
  await client.POST("/api/v1/token/access", { body: { grant_type: "client_credentials", username: "a", password: "b" } });
  // @ts-expect-error a token that is not a string
  await client.POST("/api/v1/users/email-verification/confirm", { body: { token: 42 } });
  // @ts-expect-error a change that is not an object
  await client.PATCH("/api/v1/users", { body: 42 });
  // @ts-expect-error a misspelt field in a change
  await client.PATCH("/api/v1/users", { body: { usernme: "alicia" } });
  // @ts-expect-error a change must name at least one field
  await client.PATCH("/api/v1/users", { body: {} });
  // @ts-expect-error deleting needs the password
  await client.DELETE("/api/v1/users", {});
  // @ts-expect-error confirming a TOTP enrolment needs the app's code
  await client.POST("/api/v1/mfa/totp/confirm", { body: {} });
  // @ts-expect-error removing TOTP needs a code as well as the password
  await client.DELETE("/api/v1/mfa/totp", { body: { current_password: "x" } });
  // @ts-expect-error a code is a string, not a number
  await client.POST("/api/v1/mfa/recovery-codes", { body: { current_password: "x", code: 123456 } });
  // @ts-expect-error starting a passkey registration needs the password
  await client.POST("/api/v1/passkeys/registration", { body: { code: "123456" } });
  // @ts-expect-error renaming a passkey needs its new name
  await client.PATCH("/api/v1/passkeys/{id}", { params: { path: { id: "x" } }, body: {} });
  // @ts-expect-error deleting a passkey needs the password
  await client.DELETE("/api/v1/passkeys/{id}", { params: { path: { id: "x" } }, body: {} });
  // @ts-expect-error a passkey's path needs its id
  await client.DELETE("/api/v1/passkeys/{id}", { body: { current_password: "x" } });
  // @ts-expect-error an assertion is the JSON text of the credential, not the object
  await client.POST("/api/v1/token/access", { body: { grant_type: "urn:accounts-api:params:oauth:grant-type:passkey", assertion: { id: "x" } } });

  const me = await client.GET("/api/v1/users");
  if (me.data) {
    // @ts-expect-error a field the User schema does not have
    void me.data.password;
    const verified: boolean = me.data.email_verified;
    void verified;
  }
  if (me.error) {
    // @ts-expect-error a problem's errors[] is optional: it may be absent
    void me.error.errors.length;
  }
}
