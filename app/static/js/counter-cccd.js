// A CCCD card's QR code, typed by the counter's 2D scanner into the ID field and ended with
// Enter: the server reads it (counter.read_cccd) and the recipient's fields are filled from it.
const QR_SEPARATOR = "|";

export function setUpCccdField(form) {
  const field = form.querySelector("[data-cccd]");
  const result = document.getElementById("cccd-result");
  if (!field || !result) return;
  field.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !field.value.includes(QR_SEPARATOR)) return;
    event.preventDefault();
    const text = field.value;
    field.value = "";
    readCard(form, text, result);
  });
}

export async function readCard(form, text, result) {
  const body = new FormData();
  body.set("csrf_token", form.elements.namedItem("csrf_token").value);
  body.set("text", text);
  let answer = null;
  let ok = false;
  try {
    const response = await fetch(form.dataset.cccdUrl, {
      method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin",
    });
    ok = response.ok;
    answer = await response.json();
  } catch {
    answer = { message: result.dataset.unreadable };
  }
  if (!ok) {
    show(result, "refused", answer.message || result.dataset.unreadable);
    return;
  }
  for (const [name, value] of Object.entries(answer.fields)) {
    form.elements.namedItem(name).value = value;
  }
  const picker = document.getElementById("recipient-commune");
  if (picker && "recipient.address.unit_code" in answer.fields) picker.value = answer.commune || "";
  show(result, "filled", answer.title, answer.filled, answer.note);
  form.elements.namedItem("recipient.address.unit_code").dispatchEvent(new Event("change", { bubbles: true }));
}

function show(result, kind, title, filled = [], note = null) {
  const heading = document.createElement("p");
  heading.className = "cccd-title";
  heading.textContent = title;
  const parts = [heading];
  if (filled.length) {
    const list = document.createElement("dl");
    for (const { label, value } of filled) {
      const row = document.createElement("div");
      const term = document.createElement("dt");
      const detail = document.createElement("dd");
      term.textContent = label;
      detail.textContent = value;
      row.append(term, detail);
      list.append(row);
    }
    parts.push(list);
  }
  if (note) {
    const remark = document.createElement("p");
    remark.textContent = note;
    parts.push(remark);
  }
  result.className = `cccd-result ${kind}`;
  result.replaceChildren(...parts);
}
