import { initAll } from "/static/govuk/govuk-frontend.min.js";

initAll();

// Wide tables: each scrolls sideways in its own region, so the page itself never does on a
// small screen. A region that scrolls is a named stop in the tab order, so a keyboard user
// can reach it and scroll it with the arrow keys; one that fits is left out of the order.
function tableName(table) {
  const caption = table.querySelector("caption");
  if (caption && caption.textContent.trim()) return caption.textContent.trim();
  let before = table.parentElement.previousElementSibling;
  while (before && !/^H[1-6]$/.test(before.tagName)) before = before.previousElementSibling;
  return before ? before.textContent.trim() : "Table";
}

const regions = [];
for (const table of document.querySelectorAll("main table.govuk-table")) {
  const region = document.createElement("div");
  region.className = "sp-table-scroll";
  table.replaceWith(region);
  region.append(table);
  regions.push(region);
}

function markScrolling() {
  for (const region of regions) {
    if (region.scrollWidth > region.clientWidth) {
      region.setAttribute("tabindex", "0");
      region.setAttribute("role", "region");
      region.setAttribute("aria-label", `${tableName(region.firstElementChild)} (scrolls sideways)`);
    } else {
      region.removeAttribute("tabindex");
      region.removeAttribute("role");
      region.removeAttribute("aria-label");
    }
  }
}

markScrolling();
window.addEventListener("resize", markScrolling);

// Choosers with many options (organisations, settings, people): a select the user can type
// into, to find an option by part of its name (ADR 0127). The select stays in the form and is
// what it sends; without JavaScript it is the plain select.
function optionNamed(select, text) {
  const wanted = text.trim().toLowerCase();
  return Array.from(select.options).find((o) => o.textContent.trim().toLowerCase() === wanted);
}

// What the select sends is what the box shows: the option of that name, none when the box is
// empty, and what was typed when it names no option (the server then says to choose one).
function chooseFromText(select, text) {
  const option = optionNamed(select, text);
  select.querySelector("option[data-sp-typed]")?.remove();
  if (option) {
    select.value = option.value;
  } else if (!text.trim()) {
    select.value = "";
  } else {
    const typed = new Option(text, text, true, true);
    typed.dataset.spTyped = "";
    select.append(typed);
  }
}

function enhanceChooser(accessibleAutocomplete, select) {
  const chosen = select.options[select.selectedIndex];
  const describedBy = select.getAttribute("aria-describedby");
  accessibleAutocomplete.enhanceSelectElement({
    selectElement: select,
    defaultValue: chosen && chosen.value ? chosen.textContent : "",
    showAllValues: true,
    confirmOnBlur: false,
    tNoResults: () => "No match: try part of the name",
    onConfirm: (name) => {
      if (name !== undefined) chooseFromText(select, name);
    },
  });
  // The input takes the select's id (its label and the error summary point at it); it also
  // needs the select's hint and error message.
  const input = document.getElementById(select.id.replace(/-select$/, ""));
  if (!input) return;
  if (describedBy) {
    const own = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", own ? `${describedBy} ${own}` : describedBy);
  }
  select.form?.addEventListener("submit", () => chooseFromText(select, input.value));
}

async function enhanceChoosers() {
  const selects = document.querySelectorAll('select[data-module="sp-autocomplete"]');
  if (selects.length === 0) return;
  // A classic script: it defines window.accessibleAutocomplete.
  await import("/static/govuk/accessible-autocomplete.min.js");
  for (const select of selects) enhanceChooser(window.accessibleAutocomplete, select);
}

enhanceChoosers();
