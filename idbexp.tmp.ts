import { chromium } from '@playwright/test';
import { chromiumArgs } from './playwright.config.js';
import { createServer } from 'node:http';
const server = createServer((_, res) => { res.setHeader('content-type', 'text/html'); res.end('<p>x</p>'); }).listen(0);
await new Promise((r) => server.once('listening', r));
const url = `http://127.0.0.1:${(server.address() as any).port}/`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
const page = await browser.newPage(); await page.addInitScript('window.__name = (t) => t;');
await page.goto(url);
const result = await page.evaluate(async () => {
  const open = (name: string, upgrade: (db: IDBDatabase) => void) => new Promise<IDBDatabase>((resolve, reject) => { const r = indexedDB.open(name, 1); r.onupgradeneeded = () => upgrade(r.result); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
  const msg = (i: number) => ({ id: crypto.randomUUID(), conversationId: `c${Math.floor(i / 11)}`, authorKind: 'customer', authorAgentId: null, authorName: 'Someone Name', body: 'Hello, I have a question about my order which did not arrive on time and I would like a refund please.'.repeat(2), attachments: [], createdAt: new Date(1700000000000 + i * 1000).toISOString() });
  const out: Record<string, number> = {};
  const N = 1000, PAGES = 20;
  async function run(label: string, db: IDBDatabase, write: (tx: IDBTransaction, items: any[]) => void, opts?: IDBTransactionOptions) {
    let total = 0;
    for (let p = 0; p < PAGES; p++) {
      const items = Array.from({ length: N }, (_, i) => msg(p * N + i));
      const t = performance.now();
      const tx = db.transaction(db.objectStoreNames, 'readwrite', opts);
      write(tx, items);
      await new Promise((r, j) => { tx.oncomplete = r; tx.onerror = j; });
      total += performance.now() - t;
    }
    out[label] = Math.round(total / PAGES);
  }
  const withIndex = await open('a', (db) => db.createObjectStore('messages', { keyPath: 'id' }).createIndex('byConversation', ['conversationId', 'createdAt']));
  await run('per message, index', withIndex, (tx, items) => items.forEach((m) => tx.objectStore('messages').put(m)));
  const noIndex = await open('b', (db) => db.createObjectStore('messages', { keyPath: 'id' }));
  await run('per message, no index', noIndex, (tx, items) => items.forEach((m) => tx.objectStore('messages').put(m)));
  const withIndex2 = await open('a2', (db) => db.createObjectStore('messages', { keyPath: 'id' }).createIndex('byConversation', ['conversationId', 'createdAt']));
  await run('per message, index, relaxed', withIndex2, (tx, items) => items.forEach((m) => tx.objectStore('messages').put(m)), { durability: 'relaxed' });
  const compound = await open('d', (db) => db.createObjectStore('messages', { keyPath: ['conversationId', 'createdAt', 'id'] }));
  await run('compound key, no index', compound, (tx, items) => items.forEach((m) => tx.objectStore('messages').put(m)));
  const compound2 = await open('d2', (db) => db.createObjectStore('messages', { keyPath: ['conversationId', 'createdAt', 'id'] }));
  await run('compound key, no index, relaxed', compound2, (tx, items) => items.forEach((m) => tx.objectStore('messages').put(m)), { durability: 'relaxed' });
  const withIndex3 = await open('a3', (db) => db.createObjectStore('messages', { keyPath: 'id' }).createIndex('byConversation', ['conversationId', 'createdAt']));
  await run('per message, index (again)', withIndex3, (tx, items) => items.forEach((m) => tx.objectStore('messages').put(m)));
  const grouped = await open('c', (db) => db.createObjectStore('threads', { keyPath: 'id' }));
  await run('per conversation', grouped, (tx, items) => { const by = new Map<string, any[]>(); for (const m of items) by.set(m.conversationId, [...(by.get(m.conversationId) ?? []), m]); for (const [id, messages] of by) tx.objectStore('threads').put({ id, messages }); });
  const t = performance.now(); for (let i = 0; i < 1000; i++) structuredClone(msg(i)); out['clone 1000'] = Math.round(performance.now() - t);
  return out;
});
console.log(result);
await browser.close(); server.close();
