// The queue's way to the server: scans in batches (≤ 500), deliveries, payments and pickup
// completions one by one with their UUID as Idempotency-Key. A record leaves the queue only once the server has
// answered for it: recorded or duplicate (sent), or refused (moved to "needs attention").
import * as store from "./store.js";
import { refusal } from "./words.js";

export const BATCH = 500;
const EVERY_MS = 30_000;
const MAX_BACKOFF_MS = 5 * 60_000;

export class SignedOut extends Error {}

let session = null;
let syncing = null;
let failures = 0;
let timer = null;
const listeners = new Set();

export const onChange = (listener) => listeners.add(listener);
const changed = (detail) => listeners.forEach((listener) => listener(detail));

export async function loadSession() {
  session = (await store.get("session")) ?? null;
  return session;
}
export const currentSession = () => session;

export async function signIn(username, password) {
  const resp = await fetch("/api/v1/auth/tokens", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  const body = await resp.json().catch(() => ({}));
  if (!resp.ok) throw new Error(body.detail || String(resp.status));
  session = { token: body.token, expires_at: body.expires_at, user: body.user };
  await store.put("session", session);
  return session;
}

export async function signOut() {
  if (session) {
    await fetch("/api/v1/auth/logout", { method: "POST", headers: auth() }).catch(() => null);
  }
  session = null;
  await store.remove("session");
}

const auth = () => (session ? { Authorization: `Bearer ${session.token}` } : {});

export async function api(method, path, body, headers = {}) {
  if (!session) throw new SignedOut();
  const resp = await fetch(path, {
    method, headers: { ...auth(), ...(body ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (resp.status === 401) {
    session = null;
    await store.remove("session");
    throw new SignedOut();
  }
  return resp;
}

// The server's clock minus the phone's, from the middle of a round trip.
export async function clockOffset() {
  return (await store.get("clock_offset_ms")) ?? 0;
}
async function measure(sentAt, serverTime) {
  if (!serverTime) return;
  const middle = (sentAt + Date.now()) / 2;
  await store.put("clock_offset_ms", Math.round(Date.parse(serverTime) - middle));
}

export async function refreshToday() {
  const sentAt = Date.now();
  const resp = await api("GET", "/api/v1/courier/today");
  if (!resp.ok) throw new Error(String(resp.status));
  const today = await resp.json();
  await measure(sentAt, today.server_time);
  await store.put("today", { ...today, fetched_at: new Date().toISOString() });
  return today;
}

async function sendScans(records) {
  const sentAt = Date.now();
  const resp = await api("POST", "/api/v1/scans", { scans: records.map((r) => r.body) });
  if (!resp.ok) throw new Error(`scans ${resp.status}`);
  const answer = await resp.json();
  await measure(sentAt, answer.server_time);
  const byId = new Map(answer.results.map((result) => [result.id, result]));
  const refused = [];
  const sent = [];
  for (const record of records) {
    const result = byId.get(record.id);
    if (!result) continue;  // unanswered: stays queued
    if (result.result === "rejected") {
      refused.push({ ...record, code: result.error?.code, reason: refusal(result.error?.code, result.error?.detail) });
    } else {
      sent.push(record.seq);
    }
  }
  await store.dequeue(sent);
  await store.setAside(refused);
}

// Answers that will not change by sending the same request again.
const FINAL_REFUSALS = new Set([400, 403, 404, 409, 413, 422]);

async function sendOne(record) {
  // What depends on a refused record (the payment of a refused delivery) is set aside with it.
  if (record.after && (await store.attention()).some((refused) => refused.id === record.after)) {
    await store.setAside([{ ...record, code: "depends_on_refused", reason: refusal("depends_on_refused") }]);
    return;
  }
  const resp = await api("POST", record.path, record.body, { "Idempotency-Key": record.id });
  if (resp.ok) {
    await store.dequeue([record.seq]);
    return;
  }
  const problem = await resp.json().catch(() => ({}));
  if (problem.code === "idempotency_in_progress" || !FINAL_REFUSALS.has(resp.status)) {
    throw new Error(`${record.path} ${resp.status}`);
  }
  await store.setAside([{ ...record, code: problem.code, reason: refusal(problem.code, problem.detail) }]);
}

async function drain() {
  for (;;) {
    const records = await store.queued();
    if (!records.length) return;
    const scans = records.filter((r) => r.kind === "scan").slice(0, BATCH);
    if (scans.length) {
      await sendScans(scans);
      changed();
      continue;
    }
    await sendOne(records[0]);
    changed();
  }
}

// One sync at a time; a failure waits longer each time (up to 5 minutes), a success resets it.
export function syncNow() {
  syncing ??= (async () => {
    try {
      await drain();
      failures = 0;
    } catch (error) {
      failures += 1;
      if (error instanceof SignedOut) changed({ signedOut: true });
    } finally {
      syncing = null;
      changed();
      schedule();
    }
  })();
  return syncing;
}

function schedule() {
  clearTimeout(timer);
  const delay = failures ? Math.min(EVERY_MS * 2 ** (failures - 1), MAX_BACKOFF_MS) : EVERY_MS;
  timer = setTimeout(syncNow, delay);
}

export function startSyncing() {
  addEventListener("online", syncNow);
  syncNow();
}
