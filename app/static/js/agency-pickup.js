// The pickup form's "select all" box: shown only where this script runs (the list works without
// it), it checks or clears every result offered, and follows the boxes ticked one by one.
for (const all of document.querySelectorAll("[data-select-all]")) {
  const boxes = [...all.form.querySelectorAll(`input[type="checkbox"][name="${all.dataset.selectAll}"]`)];
  const follow = () => {
    const ticked = boxes.filter((box) => box.checked).length;
    all.checked = ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  };
  all.addEventListener("change", () => {
    boxes.forEach((box) => { box.checked = all.checked; });
  });
  boxes.forEach((box) => box.addEventListener("change", follow));
  follow();
  all.closest(".select-all").hidden = false;
}
