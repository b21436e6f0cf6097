// The return-shipments upload (agency.upload_returns): the file goes up with fetch and the answer
// comes back as NDJSON lines, the progress first ({"checked": n, "total": N}), then the result,
// whose HTML (drawn by the server) fills the result area. Without this script, or for an answer
// that is not a stream (an error page), the form posts as any form does.
const STREAM = "application/x-ndjson";

const form = document.getElementById("upload-form");
if (form && "TextDecoderStream" in window) {
  const button = form.querySelector('button[type="submit"]');
  const panel = document.getElementById("upload-progress");
  const bar = document.getElementById("upload-bar");
  const status = document.getElementById("upload-status");
  const result = document.getElementById("upload-result");
  const numbers = new Intl.NumberFormat(document.documentElement.lang || "vi");
  let busy = false;

  const showProgress = ({ checked, total }) => {
    bar.max = Math.max(total, 1);
    bar.value = checked;
    status.textContent = form.dataset.progress
      .replace("{checked}", numbers.format(checked)).replace("{total}", numbers.format(total));
  };
  const showResult = (html) => {
    result.innerHTML = html;  // the server's template, escaped there
    result.focus();
  };
  const showFailure = () => {
    const alert = document.createElement("p");
    alert.className = "alert";
    alert.setAttribute("role", "alert");
    alert.textContent = form.dataset.failed;
    result.replaceChildren(alert);
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy || !form.reportValidity()) return;
    busy = true;
    button.disabled = true;
    result.replaceChildren();
    status.textContent = "";
    bar.removeAttribute("value");  // indeterminate until the rows are counted
    panel.hidden = false;
    let final = null;
    try {
      const response = await fetch(form.action, {
        method: "POST", body: new FormData(form), headers: { Accept: STREAM }, credentials: "same-origin",
      });
      if (!response.ok || !(response.headers.get("Content-Type") || "").startsWith(STREAM)) {
        panel.hidden = true;
        form.submit();  // the server's own page says what went wrong
        return;
      }
      final = await readLines(response.body, (line) => (line.done ? line : showProgress(line)));
    } catch {
      final = null;
    } finally {
      busy = false;
      button.disabled = false;
    }
    if (final) {
      if (final.created !== null) form.reset();  // created: the same file is not sent twice
      showResult(final.html);
    } else {
      showFailure();
    }
  });
}

// Calls `each` with every JSON line of the body; answers the last value `each` returned that
// was not undefined (the result line), or null if the stream ended without one.
async function readLines(body, each) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  let last = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffered += value;
    const lines = buffered.split("\n");
    buffered = done ? "" : lines.pop();
    for (const line of lines) {
      if (!line.trim()) continue;
      const answer = each(JSON.parse(line));
      if (answer !== undefined) last = answer;
    }
    if (done) return last;
  }
}
