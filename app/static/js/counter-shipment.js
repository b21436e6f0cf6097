// The counter's new-shipment form, keyboard first: Enter moves to the next field (a scanner's
// Enter never submits half a slip), Enter in the last field submits, Esc asks before clearing.
import { setUpAgencyField } from "./counter-agency.js";
import { setUpCamera } from "./counter-camera.js";
import { setUpCccdField } from "./counter-cccd.js";
import { setUpCommunePicker } from "./counter-commune.js";

const form = document.getElementById("slip");
if (form) {
  form.querySelectorAll("[data-commune-picker]").forEach(setUpCommunePicker);
  setUpAgencyField(form);
  setUpCccdField(form);
  setUpCamera(form);
  setUpItems(form);
  setUpKeys(form, document.getElementById("clear-dialog"));
}

function fieldsInOrder(form) {
  return [...form.elements].filter((el) => (el instanceof HTMLInputElement || el instanceof HTMLSelectElement)
    && el.type !== "hidden" && !el.disabled && el.getClientRects().length > 0);
}

function setUpKeys(form, dialog) {
  form.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.key !== "Enter" || event.defaultPrevented || event.isComposing) return;
    if (!(target instanceof HTMLInputElement || target instanceof HTMLSelectElement)) return;
    event.preventDefault();
    const fields = fieldsInOrder(form);
    const next = fields[fields.indexOf(target) + 1];
    if (target.hasAttribute("data-last-field") || !next) {
      form.requestSubmit();
    } else {
      next.focus();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented || dialog.open) return;
    event.preventDefault();
    dialog.showModal();
  });
  dialog.querySelector("[data-clear-cancel]").addEventListener("click", () => dialog.close());
}

function setUpItems(form) {
  const list = form.querySelector("[data-items]");
  const template = document.getElementById("item-row-template");
  const rows = () => [...list.querySelectorAll("[data-item-row]")];
  let nextIndex = Math.max(-1, ...rows().map((row) => Number(row.querySelector("input").name.split("-")[1]))) + 1;

  const refresh = () => {
    const all = rows();
    all.forEach((row, position) => {
      const remove = row.querySelector("[data-remove-item]");
      remove.hidden = all.length === 1;
      remove.setAttribute("aria-label", `${remove.textContent.trim()} ${position + 1}`);
    });
  };
  form.querySelector("[data-add-item]").addEventListener("click", () => {
    const row = template.content.firstElementChild.cloneNode(true);
    const index = String(nextIndex++);
    row.querySelectorAll("[id], [name], [for]").forEach((el) => {
      for (const attr of ["id", "name", "for"]) {
        if (el.hasAttribute(attr)) el.setAttribute(attr, el.getAttribute(attr).replace("__index__", index));
      }
    });
    list.append(row);
    refresh();
    row.querySelector("input").focus();
  });
  list.addEventListener("click", (event) => {
    const remove = event.target.closest("[data-remove-item]");
    if (!remove || rows().length === 1) return;
    const row = remove.closest("[data-item-row]");
    const neighbour = row.previousElementSibling || row.nextElementSibling;
    row.remove();
    refresh();
    neighbour.querySelector("input").focus();
  });
  refresh();
}
