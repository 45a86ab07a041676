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
