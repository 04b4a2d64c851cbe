// Passkeys: sign in with one (the sign-in page and the second step), or create one (the security
// page). Each control is hidden until this script finds WebAuthn with its JSON helpers and the
// page at the origin passkeys are made for (data-origin, empty where they cannot work); then the
// server's options go to the browser and the browser's answer back, as JSON.
const supported =
  window.PublicKeyCredential &&
  typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function" &&
  typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function";

async function postJSON(url, csrf, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify(body || {}),
  });
  let data = {};
  try {
    data = await response.json();
  } catch (error) {
    data = {};
  }
  return { ok: response.ok, data };
}

function say(container, message) {
  const status = container.querySelector(".passkey-status");
  if (status) status.textContent = message;
}

async function ceremony(container, extra) {
  const { options: optionsUrl, verify, csrf, passkey: kind } = container.dataset;
  const asked = await postJSON(optionsUrl, csrf);
  if (!asked.ok) throw new Error(asked.data.error || "");
  let credential;
  if (kind === "create") {
    const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(asked.data);
    credential = await navigator.credentials.create({ publicKey });
  } else {
    const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(asked.data);
    credential = await navigator.credentials.get({ publicKey });
  }
  const answered = await postJSON(verify, csrf, { ...extra, credential: credential.toJSON() });
  if (!answered.ok) throw new Error(answered.data.error || "");
  window.location.assign(answered.data.next);
}

if (supported) {
  for (const container of document.querySelectorAll("[data-passkey]")) {
    if (container.dataset.origin !== window.location.origin) continue;
    container.hidden = false;
    for (const note of document.querySelectorAll(".passkey-unavailable")) note.hidden = true;
    const run = async (extra) => {
      say(container, "");
      try {
        await ceremony(container, extra);
      } catch (error) {
        // A cancelled prompt (NotAllowedError) says nothing new; a refusal says why.
        say(container, error.name === "NotAllowedError" ? "" : error.message || container.dataset.failed);
      }
    };
    if (container.dataset.passkey === "create") {
      container.addEventListener("submit", (event) => {
        event.preventDefault();
        const name = container.querySelector("input[name=name]");
        run({ name: name ? name.value : "" });
      });
    } else {
      const button = container.querySelector(".passkey-button");
      if (button) button.addEventListener("click", () => run({}));
    }
  }
}
