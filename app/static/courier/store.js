// IndexedDB, the phone's memory: the session and today's work (kv), the queue of what waits to
// be sent (auto-increment key = the order things happened; the UUID is the record's own id) and
// the "needs attention" list of what the server refused.
const DB_NAME = "hcc-courier";
let opened = null;

function open() {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore("kv");
      db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
      db.createObjectStore("attention", { keyPath: "seq", autoIncrement: true });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opened;
}

async function run(store, mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const result = work(tx.objectStore(store));
    tx.oncomplete = () => resolve(result instanceof IDBRequest ? result.result : result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export const get = (key) => run("kv", "readonly", (s) => s.get(key));
export const put = (key, value) => run("kv", "readwrite", (s) => s.put(value, key));
export const remove = (key) => run("kv", "readwrite", (s) => s.delete(key));

export const enqueue = (record) => run("queue", "readwrite", (s) => s.add(record));
export const queued = () => run("queue", "readonly", (s) => s.getAll());
export const queuedCount = () => run("queue", "readonly", (s) => s.count());
export const dequeue = (seqs) => run("queue", "readwrite", (s) => seqs.forEach((seq) => s.delete(seq)));

export const attention = () => run("attention", "readonly", (s) => s.getAll());

// Moves refused records from the queue to "needs attention" in one transaction: never lost.
export async function setAside(records) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(["queue", "attention"], "readwrite");
    for (const record of records) {
      tx.objectStore("queue").delete(record.seq);
      const { seq, ...kept } = record;
      tx.objectStore("attention").add({ ...kept, queued_seq: seq });
    }
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
}
