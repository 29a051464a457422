// Progressive enhancement: while a run is queued or running, ask for its
// progress every few seconds, say it in the live region, and reload the page
// when the run is over so the new themes show. Without this file, the page's
// "Refresh" link does the same.
(() => {
  const region = document.getElementById("run-status");
  if (!region || region.dataset.active !== "1" || !window.fetch) {
    return;
  }
  const url = region.dataset.statusUrl;
  const message = region.querySelector(".run-message");
  const bar = region.querySelector("progress");
  let failures = 0;

  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      const run = await response.json();
      failures = 0;
      if (run.status !== "queued" && run.status !== "running") {
        window.location.reload();
        return;
      }
      if (message && message.textContent !== run.message) {
        message.textContent = run.message;
      }
      if (bar) {
        bar.value = run.progress;
        bar.textContent = `${run.progress}%`;
      }
    } catch (error) {
      failures += 1;
      if (failures > 5) {
        return; // Stop asking; the Refresh link still works.
      }
    }
    window.setTimeout(poll, 3000);
  };
  window.setTimeout(poll, 3000);
})();
