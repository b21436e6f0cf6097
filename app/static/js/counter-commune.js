// A commune picker (ARIA 1.2 combobox with a listbox): htmx fetches the choices as the clerk
// types; arrow keys move, Enter or Tab picks, Esc closes; the pick fills the hidden code field.
const CODE = /^[0-9]{5}$/;

export function setUpCommunePicker(root) {
  const input = root.querySelector('[role="combobox"]');
  const code = root.querySelector('input[type="hidden"]');
  const list = root.querySelector('[role="listbox"]');
  let active = -1;
  const options = () => [...list.querySelectorAll('[role="option"]:not([aria-disabled="true"])')];

  const setCode = (value) => {
    if (code.value === value) return;
    code.value = value;
    code.dispatchEvent(new Event("change", { bubbles: true }));  // the quote listens
  };
  const open = () => {
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  };
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (index) => {
    const all = options();
    all.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (all[index]) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };
  const choose = (option) => {
    input.value = option.dataset.label;
    close();
    setCode(option.dataset.code);
  };

  root.addEventListener("htmx:afterSwap", () => {
    if (document.activeElement !== input || !input.value.trim()) {
      close();
      return;
    }
    open();
    highlight(options().length ? 0 : -1);
  });
  input.addEventListener("input", () => {
    const typed = input.value.trim();
    setCode(CODE.test(typed) ? typed : "");  // a code typed in full needs no pick
    if (!typed) close();
  });
  input.addEventListener("keydown", (event) => {
    const all = options();
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) return;
      event.preventDefault();
      open();
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight((active + step + all.length) % all.length);
    } else if (event.key === "Enter" && !list.hidden && all[active]) {
      event.preventDefault();
      choose(all[active]);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close();
    } else if (event.key === "Tab" && !list.hidden && all[active]) {
      choose(all[active]);  // and focus moves on as usual
    }
  });
  input.addEventListener("blur", close);
  list.addEventListener("mousedown", (event) => event.preventDefault());  // keep the focus
  list.addEventListener("click", (event) => {
    const option = event.target.closest('[role="option"]:not([aria-disabled="true"])');
    if (option) choose(option);
  });
}
