// The supervisor's dispatch desk: "whole commune" ticks or clears the commune's results, and
// shows itself ticked when all of them are (half-ticked when some are). Without this script the
// server reads the box as "every result of the commune", so the page works without it too.
for (const all of document.querySelectorAll("input[data-commune-all]")) {
  const group = all.closest("fieldset");
  const items = [...group.querySelectorAll("input[name='tracking_numbers']")];
  const sync = () => {
    const ticked = items.filter((item) => item.checked).length;
    all.checked = ticked === items.length;
    all.indeterminate = ticked > 0 && ticked < items.length;
  };
  all.addEventListener("change", () => {
    for (const item of items) item.checked = all.checked;
    all.indeterminate = false;
  });
  for (const item of items) item.addEventListener("change", sync);
  sync();
}
