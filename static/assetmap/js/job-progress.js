// Progress bars of imports and exports running in a worker: poll the job's progress
// URL, move the bar, say how far it has got, and reload the page when the job ends so
// the server shows the result.
const POLL_MS = 1000;

function describe(progress) {
  if (progress.total) {
    const percent = Math.floor((100 * progress.done) / progress.total);
    return `${progress.label}: ${progress.done.toLocaleString()} / ${progress.total.toLocaleString()} (${percent}%)`;
  }
  return `${progress.label}…`;
}

function watch(box) {
  const bar = box.querySelector("progress");
  const text = box.querySelector(".job-progress-text");
  const label = box.querySelector("label");
  const poll = async () => {
    let progress;
    try {
      const response = await fetch(box.dataset.jobProgress, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      progress = await response.json();
    } catch {
      setTimeout(poll, POLL_MS * 3);  // a blip in the network: try again, more slowly
      return;
    }
    if (progress.finished) {
      window.location.reload();
      return;
    }
    if (progress.total) {
      bar.max = progress.total;
      bar.value = progress.done;
    } else {
      bar.removeAttribute("value");  // indeterminate until the task knows its total
    }
    label.textContent = progress.label;  // "Waiting for a worker" becomes "Checking the file"
    text.textContent = describe(progress);
    setTimeout(poll, POLL_MS);
  };
  poll();
}

document.querySelectorAll("[data-job-progress]").forEach(watch);
