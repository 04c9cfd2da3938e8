// The door page of the Rakornis: filter the list as a name is typed, and mark someone present
// with one tap without reloading the page. Without JavaScript the page works with plain forms.
(() => {
  "use strict";

  document.addEventListener("input", (event) => {
    const input = event.target.closest("input[data-filter-list]");
    if (!input) return;
    const list = document.getElementById(input.dataset.filterList);
    if (!list) return;
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const item of list.querySelectorAll("[data-filter-item]")) {
      const text = item.dataset.search || "";
      item.hidden = !words.every((word) => text.includes(word));
    }
  });

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-attendance]");
    if (!form || !window.fetch) return;
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    const presentInput = form.querySelector("input[name=present]");
    button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      });
      const data = await response.json();
      if (!response.ok) {
        window.alert(data.error || response.statusText);
        return;
      }
      const present = Boolean(data.present);
      presentInput.value = present ? "" : "on";
      button.classList.toggle("btn-success", present);
      button.classList.toggle("btn-outline-success", !present);
      button.setAttribute("aria-pressed", present ? "true" : "false");
      button.textContent = present ? button.dataset.labelPresent : button.dataset.labelAbsent;
      const count = document.querySelector("[data-present-count]");
      if (count) count.textContent = data.count;
    } catch (error) {
      // The network failed: send the form the ordinary way, which reports the error.
      form.submit();
    } finally {
      button.disabled = false;
    }
  });
})();
