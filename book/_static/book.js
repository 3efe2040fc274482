// The book's own script: small accessibility fixes to the theme's markup.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // The sidebar's collapsible chapter lists open with an icon-only <summary>; give each a name
  // that screen readers can announce (axe rule "summary-name").
  for (const summary of document.querySelectorAll("summary")) {
    if (!summary.textContent.trim() && !summary.getAttribute("aria-label")) {
      const link = summary.parentElement?.parentElement?.querySelector(":scope > a");
      const title = link ? link.textContent.trim() : "this section";
      summary.setAttribute("aria-label", `Show or hide the pages of ${title}`);
    }
  }
  // docutils marks the bibliography role="list", but its entries are doc-biblioentry items,
  // which a list may not hold (axe rule "aria-required-children"): drop the list role.
  for (const list of document.querySelectorAll(".citation-list[role='list']")) {
    list.removeAttribute("role");
  }
});
