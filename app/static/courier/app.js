// The courier's app: sign in once per shift, today's work kept on the phone, every scan and
// delivery queued on the phone first and sent when there is a network.
import SignaturePad from "../vendor/signature_pad/signature_pad.min.js";
import { numberIn, isValid } from "./s10.js";
import { startCamera, signal } from "./scanner.js";
import * as store from "./store.js";
import * as sync from "./sync.js";
import { clockTime, eventName, money, t } from "./words.js";

const REPEAT_MS = 5000;  // the same code seen again within this is the same scan
const WARN_BEFORE_EXPIRY_MS = 60 * 60_000;
const PHOTO_MAX_SIDE = 1280;
const PHOTO_MAX_BYTES = 900 * 1024;  // below the server's 1 MiB
const MAX_CLOCK_OFFSET_MS = 7 * 24 * 3600 * 1000;  // the server refuses a larger offset

const $ = (selector) => document.querySelector(selector);
let today = null;
let position = null;
let stopCamera = null;
let stopCccdCamera = null;
let stopPickupCamera = null;
let lastSeen = new Map();
let signature = null;
let delivering = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function say(text) {
  $("[data-message]").textContent = text;
}

function show(view) {
  if (view !== "scan") stopScanning();
  if (view !== "deliver") stopCccd();
  if (view !== "pickup") stopPickupScan();
  const signedIn = Boolean(sync.currentSession());
  const target = signedIn ? view : "signin";
  document.querySelectorAll("[data-view]").forEach((section) => {
    section.hidden = section.dataset.view !== target;
  });
  $("[data-tabs]").hidden = !signedIn;
  document.querySelectorAll("[data-tabs] [data-go]").forEach((button) => {
    button.toggleAttribute("aria-current", button.dataset.go === target);
  });
  if (target === "queue") renderQueue();
}

// ---- the moment and place of a record -------------------------------------------------------
async function stamp() {
  const offset = await sync.clockOffset();
  const device = new Date();
  return {
    device_time: device.toISOString(), offset_ms: offset,
    occurred_at: new Date(device.getTime() + offset).toISOString(),
    ...(position ? { lat: position.lat, lon: position.lon } : {}),
  };
}

// What the server keeps beside the corrected moment: the phone's own clock and the offset used.
function clockFields(when) {
  return { device_time: when.device_time,
    ...(Math.abs(when.offset_ms) <= MAX_CLOCK_OFFSET_MS ? { clock_offset_ms: when.offset_ms } : {}) };
}

function watchPosition() {
  navigator.geolocation?.watchPosition(
    (fix) => { position = { lat: +fix.coords.latitude.toFixed(6), lon: +fix.coords.longitude.toFixed(6) }; },
    () => { position = null; },
    { enableHighAccuracy: true, maximumAge: 60_000 },
  );
}

// ---- the queue ---------------------------------------------------------------------------
async function queueScan(number, event, extra = {}) {
  const when = await stamp();
  const id = crypto.randomUUID();
  const body = { id, tracking_number: number, event, occurred_at: when.occurred_at, ...clockFields(when), ...extra };
  if (when.lat !== undefined) Object.assign(body, { lat: when.lat, lon: when.lon });
  if (event === "arrived" || event === "departed") body.office_code = sync.currentSession()?.user?.office_code;
  await store.enqueue({ kind: "scan", id, number, event, body, ...when, known: inToday(number) });
  await updateCount();
  sync.syncNow();
}

// One request sent with its own UUID as Idempotency-Key; `after` names the queued record it
// depends on (a payment follows its delivery), `when` the moment it shares with that record.
async function queueRequest(kind, number, path, body, { after = null, when = null } = {}) {
  when ??= await stamp();
  const id = crypto.randomUUID();
  const fullBody = { ...body };
  if (kind === "delivery") Object.assign(fullBody, { occurred_at: when.occurred_at, ...clockFields(when) });
  if (kind === "delivery" && when.lat !== undefined) Object.assign(fullBody, { lat: when.lat, lon: when.lon });
  if (kind === "payment") fullBody.occurred_at = when.occurred_at;
  if (kind === "pickup") fullBody.completed_at = when.occurred_at;
  await store.enqueue({ kind, id, number, path, body: fullBody, ...when, ...(after ? { after } : {}) });
  await updateCount();
  sync.syncNow();
  return { id, when };
}

async function updateCount() {
  const count = await store.queuedCount();
  const button = $("[data-queue-count]");
  button.textContent = t("queue_count", { count });
  button.dataset.count = String(count);
  button.classList.toggle("waiting", count > 0);
}

async function renderQueue() {
  const records = await store.queued();
  $("[data-queue-summary]").textContent = records.length
    ? t("queue_waiting", { count: records.length }) : t("queue_empty");
  $("[data-queue-list]").replaceChildren(...records.map((r) => el("li", {
    text: `${clockTime(r.device_time)} · ${r.number} · ${label(r)}${r.known === false ? ` · ${t("not_today_short")}` : ""}`,
  })));
  const refused = await store.attention();
  $("[data-attention]").replaceChildren(...refused.map((r) => el("li", { class: "refused" },
    el("strong", { text: `${r.number} · ${label(r)}` }), el("br"), el("span", { text: r.reason }))));
}

const label = (record) => (record.kind === "delivery" ? t("delivered")
  : record.kind === "payment" ? t("paid", { amount: money(record.body.amount_vnd) })
    : record.kind === "pickup" ? t("pickup_done") : eventName(record.event));

// ---- today's work ---------------------------------------------------------------------------
const inToday = (number) => Boolean(today?.run?.stops?.some((s) => s.tracking_number === number)
  || today?.pickups?.some((p) => p.items.some((i) => i.tracking_number === number)));

async function refresh() {
  try {
    today = await sync.refreshToday();
    say(t("today_loaded", { time: clockTime(today.fetched_at ?? new Date().toISOString()) }));
  } catch (error) {
    if (error instanceof sync.SignedOut) return signedOut();
    today = (await store.get("today")) ?? null;
    if (today) say(t("today_offline", { time: clockTime(today.fetched_at) }));
  }
  renderRun();
}

function renderRun() {
  const stops = today?.run?.stops ?? [];
  $("[data-run-summary]").textContent = today
    ? t("run_summary", { stops: stops.length, km: (today.run.total_km ?? 0).toFixed(1) }) : t("run_none");
  const atOffice = today?.at_office ?? [];
  $("[data-at-office]").hidden = !atOffice.length;
  $("[data-at-office-list]").replaceChildren(...atOffice.map((n) => el("li", { text: n })));
  $("[data-stops]").replaceChildren(...stops.map((stop) => el("li", { class: "stop" },
    el("p", { class: "stop-head" }, el("span", { class: "pos", text: String(stop.position) }),
      el("strong", { text: stop.tracking_number })),
    el("p", { lang: "vi", text: stop.recipient_name }),
    el("p", { lang: "vi", text: stop.address }),
    el("p", { class: "muted", text: t("leg", { km: stop.leg_km.toFixed(1) }) }),
    stop.collect_vnd ? el("p", { class: "collect", text: t("collect", { amount: money(stop.collect_vnd) }) }) : null,
    el("p", { class: "actions" },
      stop.recipient_phone ? el("a", { class: "button secondary", href: `tel:${stop.recipient_phone}`,
        text: t("call", { phone: stop.recipient_phone }) }) : null,
      el("button", { type: "button", class: "primary", text: t("deliver"), onclick: () => openDelivery(stop) })))));
  const pickups = today?.pickups ?? [];
  $("[data-pickups]").replaceChildren(...(pickups.length ? pickups.map((p) => el("li", { class: "stop" },
    el("p", { text: t("pickup_head", { id: p.id, agency: p.agency_code, count: p.expected_count }) }),
    el("p", { lang: "vi", text: p.address.line }),
    el("p", { class: "muted", text: `${clockTime(p.window_start)}–${clockTime(p.window_end)} · ${p.contact.name}` }),
    el("p", { class: "actions" },
      el("a", { class: "button secondary", href: `tel:${p.contact.phone}`, text: t("call", { phone: p.contact.phone }) }),
      el("button", { type: "button", class: "primary", text: t("complete"), onclick: () => openPickup(p) })),
  )) : [el("li", { class: "muted", text: t("no_pickups") })]));
}

// ---- scanning -------------------------------------------------------------------------------
function chosenEvent() {
  return document.querySelector("input[name=event]:checked").value;
}

async function scanned(number, source) {
  const now = Date.now();
  const seen = lastSeen.get(number);
  lastSeen.set(number, now);
  if (seen && now - seen < REPEAT_MS) return;
  const event = chosenEvent();
  await queueScan(number, event);
  signal();
  const flag = inToday(number) ? "" : ` ${t("not_today")}`;
  $("[data-last-scan]").textContent = `${number}: ${eventName(event)}${flag} · ${source}`;
}

async function startScanning() {
  try {
    stopCamera = await startCamera($("[data-video]"), ["Code128", "QRCode"], (text) => {
      const number = numberIn(text);
      if (number) scanned(number, t("source_camera"));
    });
    $("[data-camera-start]").hidden = true;
    $("[data-camera-stop]").hidden = false;
  } catch {
    say(t("camera_scan"));
  }
}

function stopScanning() {
  stopCamera?.();
  stopCamera = null;
  $("[data-camera-start]").hidden = false;
  $("[data-camera-stop]").hidden = true;
}

// ---- delivery at the door -------------------------------------------------------------------
function openDelivery(stop) {
  delivering = stop;
  const form = $("[data-deliver]");
  form.reset();
  $("[data-failed]").reset();
  $("[data-deliver-number]").textContent = stop.tracking_number;
  $("[data-deliver-who]").textContent = `${stop.recipient_name} · ${stop.address}`;
  $("[data-deliver-collect]").textContent = stop.collect_vnd ? t("collect_from", { amount: money(stop.collect_vnd) }) : "";
  $("[data-id-check]").textContent = "";
  $("[data-proxy]").hidden = true;
  $("[data-amount]").hidden = !stop.collect_vnd;
  $("#amount_collected").value = stop.collect_vnd ? String(stop.collect_vnd) : "";
  show("deliver");
  signature ??= new SignaturePad($("[data-signature]"), { backgroundColor: "#ffffff" });
  signature.clear();
}

// The offline pre-check: the last four of the recorded ID; the server's keyed check decides.
function checkId() {
  const input = $("#id_number");
  const box = $("[data-id-check]");
  const digits = input.value.replace(/\D/g, "");
  const expected = delivering?.recipient_id_last4;
  const self = $("[data-deliver]").elements.relationship.value === "self";
  box.classList.remove("warn", "ok");
  if (!self || !expected || digits.length < 12) {
    box.textContent = "";
    return true;
  }
  const ok = digits.slice(-4) === expected;
  box.textContent = ok ? t("id_ok") : t("id_warn");
  box.classList.add(ok ? "ok" : "warn");
  return ok;
}

function readCccd(text) {
  const parts = text.split("|").map((part) => part.trim());
  if (parts.length !== 6 && parts.length !== 7) return null;
  const id = parts[0];
  const name = parts.length === 7 ? parts[2] : parts[1];
  if (!/^[0-9]{12}$/.test(id) || !name) return null;
  return { id, name: name.normalize("NFC") };
}

async function startCccd() {
  try {
    stopCccdCamera = await startCamera($("[data-cccd-video]"), ["QRCode"], (text) => {
      const card = readCccd(text);
      if (!card) return;
      stopCccd();
      $("#recipient_name").value = card.name;
      $("#id_number").value = card.id;
      signal();
      checkId();
    });
  } catch {
    say(t("camera_cccd"));
  }
}

function stopCccd() {
  stopCccdCamera?.();
  stopCccdCamera = null;
}

// Photos are downscaled on the phone, below the server's limit.
async function photoJpeg(file) {
  if (!file) return null;
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  for (const quality of [0.8, 0.6, 0.4, 0.25]) {
    const url = canvas.toDataURL("image/jpeg", quality);
    if (url.length * 0.75 < PHOTO_MAX_BYTES) return url;
  }
  return null;
}

async function submitDelivery(event) {
  event.preventDefault();
  const form = event.target;
  // A mismatch is said at once; pressing again records it anyway and the server decides.
  if (!checkId() && form.dataset.confirmed !== $("#id_number").value) {
    form.dataset.confirmed = $("#id_number").value;
    $("[data-id-check]").textContent += ` ${t("id_confirm")}`;
    return;
  }
  delete form.dataset.confirmed;
  const data = new FormData(form);
  const body = {
    recipient_name: data.get("recipient_name").trim(), relationship: data.get("relationship"),
    id_type: "cccd", id_number: data.get("id_number").replace(/\D/g, ""),
  };
  if (body.relationship === "proxy") body.authorization_ref = data.get("authorization_ref").trim() || null;
  if (signature && !signature.isEmpty()) body.signature_png = signature.toDataURL("image/png");
  const photo = await photoJpeg(form.elements.photo.files[0]);
  if (photo) body.photo_jpeg = photo;
  const number = delivering.tracking_number;
  const delivery = await queueRequest("delivery", number, `/api/v1/shipments/${number}/delivery`, body);
  // The money taken at the door: the procedure fee the run says to collect, queued after the
  // delivery with its own UUID, so a replay never records it twice.
  const amount = Number.parseInt(data.get("amount_collected") ?? "", 10);
  if (delivering.collect_vnd && amount > 0) {
    await queueRequest("payment", number, "/api/v1/payments",
      { tracking_number: number, kind: "procedure_fee", amount_vnd: amount, method: "cash" },
      { after: delivery.id, when: delivery.when });
  }
  say(t("delivery_saved", { number }));
  show("run");
}

async function submitFailed(event) {
  event.preventDefault();
  const data = new FormData(event.target);
  const number = delivering.tracking_number;
  await queueScan(number, "delivery_failed", { reason: data.get("reason"), note: data.get("note").trim() || null });
  say(t("failed_saved", { number }));
  show("run");
}

// ---- pickups --------------------------------------------------------------------------------
let picking = null;

function openPickup(pickup) {
  picking = pickup;
  $("[data-pickup-number]").textContent = String(pickup.id);
  $("[data-pickup]").reset();
  $("[data-pickup-last]").textContent = "";
  $("[data-pickup-items]").replaceChildren(...pickup.items.map((item, i) => el("label", { class: "check" },
    el("input", { type: "checkbox", name: "scanned", value: item.tracking_number, id: `pick-${i}` }),
    ` ${item.tracking_number}`)));
  show("pickup");
}

// Scanning an item ticks it on the pickup's list.
async function startPickupCamera() {
  try {
    stopPickupCamera = await startCamera($("[data-pickup-video]"), ["Code128", "QRCode"], (text) => {
      const number = numberIn(text);
      const box = number && document.querySelector(`[data-pickup-items] input[value="${number}"]`);
      if (!number || box?.checked) return;
      if (box) {
        box.checked = true;
        signal();
      }
      $("[data-pickup-last]").textContent = t(box ? "picked" : "not_in_this_pickup", { number });
    });
  } catch {
    say(t("camera_pickup"));
  }
}

function stopPickupScan() {
  stopPickupCamera?.();
  stopPickupCamera = null;
}

async function submitPickup(event) {
  event.preventDefault();
  const data = new FormData(event.target);
  const scannedNumbers = data.getAll("scanned");
  if (!scannedNumbers.length) return say(t("pickup_choose"));
  await queueRequest("pickup", t("pickup_label", { id: picking.id }), `/api/v1/pickups/${picking.id}/complete`,
    { scanned: scannedNumbers, agency_signatory: data.get("agency_signatory").trim() });
  say(t("pickup_saved", { id: picking.id }));
  show("run");
}

// ---- the shift ------------------------------------------------------------------------------
function watchExpiry() {
  const banner = $("[data-expiry]");
  const check = () => {
    const expires = Date.parse(sync.currentSession()?.expires_at ?? "");
    const left = expires - Date.now();
    banner.hidden = !(left < WARN_BEFORE_EXPIRY_MS);
    if (left <= 0) banner.textContent = t("expired");
    else if (left < WARN_BEFORE_EXPIRY_MS) {
      banner.textContent = t("expires_at", { time: clockTime(new Date(expires).toISOString()) });
    }
  };
  check();
  setInterval(check, 60_000);
}

function signedOut() {
  say(t("signed_out"));
  show("signin");
}

async function submitSignIn(event) {
  event.preventDefault();
  const data = new FormData(event.target);
  try {
    await sync.signIn(data.get("username").trim(), data.get("password"));
  } catch {
    say(t("signin_failed"));
    return;
  }
  event.target.reset();
  say("");
  watchExpiry();
  show("run");
  await refresh();
  sync.syncNow();
}

function showNetwork() {
  $("[data-net]").textContent = navigator.onLine ? t("online") : t("offline");
  document.body.classList.toggle("offline", !navigator.onLine);
}

// The shell is cached in the page's language: once the worker has cached it (a first visit's
// install may still be running), drop the cached page, then switch (online only).
async function switchLanguage(event) {
  event.preventDefault();
  if (!navigator.onLine) return say(t("language_offline"));
  if ("serviceWorker" in navigator) {
    await Promise.race([navigator.serviceWorker.ready, new Promise((done) => setTimeout(done, 3000))]);
  }
  for (const name of await caches.keys()) await (await caches.open(name)).delete("/courier/");
  event.target.submit();
}

async function start() {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(document.body.dataset.sw, { scope: "./" }).catch(() => null);
  }
  document.querySelectorAll("[data-go]").forEach((button) => {
    button.addEventListener("click", () => show(button.dataset.go));
  });
  $("[data-signin]").addEventListener("submit", submitSignIn);
  $("[data-refresh]").addEventListener("click", refresh);
  $("[data-sync]").addEventListener("click", () => sync.syncNow());
  $("[data-logout]").addEventListener("click", async () => {
    await sync.signOut();
    show("signin");
  });
  $("[data-camera-start]").addEventListener("click", startScanning);
  $("[data-camera-stop]").addEventListener("click", stopScanning);
  $("[data-manual]").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = event.target.elements.number;
    const number = input.value.trim().toUpperCase();
    if (!isValid(number)) {
      $("[data-last-scan]").textContent = t("bad_number", { number: number || t("empty") });
      input.focus();
      return;
    }
    lastSeen.delete(number);
    await scanned(number, t("source_manual"));
    input.value = "";
  });
  $("[data-deliver]").addEventListener("submit", submitDelivery);
  $("[data-deliver]").addEventListener("change", (event) => {
    if (event.target.name === "relationship") $("[data-proxy]").hidden = event.target.value !== "proxy";
    checkId();
  });
  $("#id_number").addEventListener("input", checkId);
  $("[data-cccd-camera]").addEventListener("click", startCccd);
  $("[data-signature-clear]").addEventListener("click", () => signature?.clear());
  $("[data-failed]").addEventListener("submit", submitFailed);
  $("[data-pickup]").addEventListener("submit", submitPickup);
  $("[data-pickup-camera]").addEventListener("click", startPickupCamera);
  $("[data-lang]").addEventListener("submit", switchLanguage);
  addEventListener("online", showNetwork);
  addEventListener("offline", showNetwork);
  showNetwork();
  sync.onChange(async (detail) => {
    await updateCount();
    if (!$("[data-view=queue]").hidden) renderQueue();
    if (detail?.signedOut) signedOut();
  });

  await sync.loadSession();
  await updateCount();
  watchPosition();
  if (!sync.currentSession()) {
    show("signin");
  } else {
    watchExpiry();
    today = (await store.get("today")) ?? null;
    renderRun();
    show("run");
    refresh();
  }
  sync.startSyncing();
  document.body.dataset.ready = "true";
}

start();
