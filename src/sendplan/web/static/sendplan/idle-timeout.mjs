// The warning before the idle timeout (ADR 0109, decision 10).
//
// The server signs people out after a period without a request; this only warns two minutes
// before, and lets them stay signed in. Without JavaScript, or without <dialog>, nothing here
// runs and the server's rule still applies.

const script = document.querySelector("script[data-idle-seconds]");
const signOutForm = document.querySelector("form[action$='/sign-out/']");

function seconds(name) {
  return Number.parseInt(script.dataset[name], 10);
}

// Plain words that change at most every 30 seconds, so a screen reader is not told each second.
function describe(left) {
  if (left > 60) return `${Math.ceil(left / 60)} minutes`;
  if (left > 30) return "1 minute";
  return "30 seconds";
}

function element(tag, attributes, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

function buildDialog() {
  const dialog = element("dialog", {
    class: "govuk-!-padding-6",
    "aria-labelledby": "timeout-heading",
    "aria-describedby": "timeout-message",
  });
  dialog.append(element("h2", { class: "govuk-heading-m", id: "timeout-heading" },
    "You will be signed out soon"));
  const message = element("p", { class: "govuk-body", id: "timeout-message", "aria-live": "polite" });
  dialog.append(message);
  dialog.append(element("p", { class: "govuk-body" },
    "We do this to keep children's information safe. Anything you have not saved will be lost."));
  const group = element("div", { class: "govuk-button-group" });
  const stay = element("button", { type: "button", class: "govuk-button" }, "Stay signed in");
  group.append(stay);
  // Signing out is a POST with the CSRF token (never a link another site could follow), so it
  // is a button in a copy of the header's sign-out form.
  const form = signOutForm.cloneNode(true);
  form.removeAttribute("class");
  const signOut = form.querySelector("button");
  signOut.className = "govuk-button govuk-button--secondary";
  group.append(form);
  dialog.append(group);
  document.body.append(dialog);
  return { dialog, message, stay };
}

function start() {
  const idle = seconds("idleSeconds");
  const warning = seconds("warningSeconds");
  // The absolute end is a fixed time by the server's clock; a computer whose clock is wrong
  // sees it early or late, but the server still enforces it. One so wrong that the end seems
  // past already is ignored, so the page cannot reload itself over and over.
  const ends = seconds("sessionEnds") * 1000;
  const sessionEnds = ends - Date.now() > 10_000 ? ends : Number.POSITIVE_INFINITY;
  const { dialog, message, stay } = buildDialog();
  let deadline = 0;
  let timer = 0;

  function restart() {
    deadline = Math.min(Date.now() + idle * 1000, sessionEnds);
    // Staying signed in cannot pass the session's absolute limit.
    stay.hidden = deadline === sessionEnds;
  }

  function tick() {
    const left = Math.ceil((deadline - Date.now()) / 1000);
    if (left <= -3) {
      // A little after the deadline, so the server agrees it has passed: it signs the user out
      // and offers to bring them back here.
      window.clearInterval(timer);
      window.location.assign(window.location.href);
      return;
    }
    if (left > warning) return;
    const text = stay.hidden
      ? `For your security, you will be signed out in ${describe(Math.max(left, 0))}.`
      : `You have not done anything for a while. You will be signed out in ${describe(Math.max(left, 0))}.`;
    if (message.textContent !== text) message.textContent = text;
    if (!dialog.open) {
      dialog.showModal();
      (stay.hidden ? dialog.querySelector("form button") : stay).focus();
    }
  }

  async function keepAlive() {
    stay.disabled = true;
    try {
      const response = await fetch(script.dataset.keepAliveUrl, {
        method: "POST",
        headers: { "X-CSRFToken": signOutForm.elements.csrfmiddlewaretoken.value },
        credentials: "same-origin",
        redirect: "manual",
      });
      if (response.status !== 204) throw new Error(`keep-alive gave ${response.status}`);
      restart();
      message.textContent = "";
      dialog.close();
    } catch {
      // Signed out already, or the server cannot be reached: show the page as it now stands.
      window.location.assign(window.location.href);
    } finally {
      stay.disabled = false;
    }
  }

  stay.addEventListener("click", keepAlive);
  // Escape means "not now", not "let it happen": treat it as staying signed in.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (!stay.hidden) keepAlive();
  });
  restart();
  tick();
  timer = window.setInterval(tick, 1000);
}

if (script && signOutForm && typeof HTMLDialogElement === "function") start();
