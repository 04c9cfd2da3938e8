// Follows a report while it is built: polls its status and reloads the page when it is
// finished. No inline script: the Content-Security-Policy forbids them.
(() => {
  const run = document.querySelector("[data-run-status-url]");
  if (!run || run.dataset.finished === "true") return;
  const bar = run.querySelector("[data-run-progress]");
  const label = run.querySelector("[data-run-label] .badge");
  let delay = 1000;
  const poll = async () => {
    try {
      const response = await fetch(run.dataset.runStatusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const state = await response.json();
        if (bar) bar.value = state.progress;
        if (label) label.textContent = state.label;
        if (state.finished) {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // The network came and went: try again a little later.
    }
    delay = Math.min(delay * 1.5, 5000);
    window.setTimeout(poll, delay);
  };
  window.setTimeout(poll, delay);
})();
