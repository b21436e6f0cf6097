// The agency picked on the slip is a party of it: the sender of a return, the recipient of an
// intake. When that party is still blank, the agency's name, phone and address fill it.
const PARTY_FIELDS = ["name", "phone", "address.line", "address.unit_code"];

export function setUpAgencyField(form) {
  const field = form.elements.namedItem("agency_code");
  const status = document.getElementById("agency-name");
  if (!field || !status) return;
  field.addEventListener("change", async () => {
    status.replaceChildren();
    const code = field.value.trim();
    if (!code) return;
    let agency;
    try {
      const response = await fetch(field.dataset.agencyUrl.replace("__code__", encodeURIComponent(code)), {
        headers: { Accept: "application/json" }, credentials: "same-origin",
      });
      if (!response.ok) return;  // an unknown code is the form's to refuse, beside the field
      agency = await response.json();
    } catch {
      return;
    }
    if (field.value.trim() !== code) return;  // the clerk has typed on meanwhile
    const party = form.elements.namedItem("service").value === "return" ? "sender" : "recipient";
    const fields = PARTY_FIELDS.map((name) => form.elements.namedItem(`${party}.${name}`));
    const name = document.createElement("strong");
    name.textContent = agency.name;
    status.append(name);
    if (fields.some((input) => input.value.trim())) return;  // never overwrite what was typed
    [agency.name, agency.phone, agency.line, agency.unit_code].forEach((value, i) => { fields[i].value = value; });
    document.getElementById(`${party}-commune`).value = agency.commune;
    status.append(` · ${status.dataset[party === "sender" ? "filledSender" : "filledRecipient"]}`);
    fields[3].dispatchEvent(new Event("change", { bubbles: true }));
  });
}
