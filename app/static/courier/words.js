// What the app says, in the page's language: the server renders the words into the page
// (app/web/courier/words.py, a JSON data block), so the cached shell carries them offline.
const WORDS = JSON.parse(document.querySelector("script[data-words]")?.textContent || "{}");

// t("queue_count", { count: 3 }): the words of a key with its {placeholders} filled.
export function t(key, values = {}) {
  return (WORDS[key] ?? key).replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

// The server's refusal codes in the courier's words.
export function refusal(code, detail) {
  const known = WORDS[`refused_${code}`];
  return known ?? t("refused_other", { code: code || t("error"), detail: detail || "" }).trim();
}

export const eventName = (event) => WORDS[`event_${event}`] ?? event;

export const money = (vnd) => `${new Intl.NumberFormat("vi-VN").format(vnd)} ₫`;
// Times in province time (UI.md §1), whatever zone the phone is set to.
export const clockTime = (iso) => new Date(iso).toLocaleTimeString("vi-VN",
  { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Ho_Chi_Minh" });
