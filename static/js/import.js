// Follows an import while it is checked or saved (no inline script: the CSP forbids them).
// The page names the status URL in data-import-progress; when the import stops running, the
// page reloads to show the outcome.
(() => {
  const box = document.querySelector("[data-import-progress]");
  if (!box) return;
  const bar = box.querySelector("progress");
  const label = box.querySelector("[data-import-status]");
  const every = 2000;

  const tick = async () => {
    try {
      const response = await fetch(box.dataset.importProgress, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const state = await response.json();
        if (bar) bar.value = state.progress;
        if (label) label.textContent = state.label;
        if (!state.running) {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // The network came and went: try again at the next tick.
    }
    window.setTimeout(tick, every);
  };
  window.setTimeout(tick, every);
})();
