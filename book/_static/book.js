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

  // Offer the page as a Jupyter notebook in the theme's download menu (the build writes it).
  const notebook = document.getElementById("mmlbook-notebook");
  const menu = document.querySelector(".dropdown-download-buttons ul");
  if (notebook && menu) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = notebook.dataset.href;
    link.setAttribute("download", "");
    link.className = "btn btn-sm btn-download-notebook-button dropdown-item";
    link.title = "Download as a Jupyter notebook";
    link.innerHTML = '<span class="btn__icon-container"><i class="fas fa-code"></i></span>' +
      '<span class="btn__text-container">.ipynb</span>';
    item.appendChild(link);
    menu.prepend(item);
  }
});
