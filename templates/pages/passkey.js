// The sign-in page's passkey button: request options from the API, ask the browser for a
// discoverable credential, post the assertion (WebAuthn's JSON) with the page's form.
(() => {
  const button = document.getElementById("passkey-sign-in");
  const form = document.getElementById("passkey-form");
  const status = document.getElementById("passkey-status");
  if (!button || !form || !window.PublicKeyCredential) return;
  const bytes = (text) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  const text = (buffer) => buffer ? btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "") : null;
  button.hidden = false;
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = "Waiting for your passkey…";
    try {
      const answer = await fetch("/api/v1/passkeys/authentication", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      if (!answer.ok) throw new Error(`options: ${answer.status}`);
      const { publicKey } = await answer.json();
      publicKey.challenge = bytes(publicKey.challenge);
      publicKey.allowCredentials = (publicKey.allowCredentials || []).map((c) => ({ ...c, id: bytes(c.id) }));
      const credential = await navigator.credentials.get({ publicKey });
      const r = credential.response;
      form.elements.assertion.value = JSON.stringify({
        id: credential.id, rawId: text(credential.rawId), type: credential.type, extensions: {},
        response: { authenticatorData: text(r.authenticatorData), clientDataJSON: text(r.clientDataJSON), signature: text(r.signature), userHandle: text(r.userHandle) },
      });
      form.submit();
    } catch (err) {
      status.textContent = "The passkey sign-in did not finish. Try again, or use your password.";
      button.disabled = false;
    }
  });
})();
