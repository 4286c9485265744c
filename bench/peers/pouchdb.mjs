// PouchDB 9, LevelDB adapter, two databases on disk, one replicating to the other in this process.
// `node pouchdb.mjs seed DIR per-field|per-attendee` writes the source; `node pouchdb.mjs sync DIR MODE [fsync]`
// replicates it into a fresh target and prints one RESULT line. Bytes moved: the JSON of the replicator's
// calls on the source (its changes feed, bulk_get and checkpoint, requests and answers), which is what would
// cross the network as HTTP bodies were the source remote and the target pulling; local replication itself
// calls the other database's methods directly, and revs_diff and bulk_docs stay on the target's side.
import PouchDB from 'pouchdb';
import { rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { PEOPLE, FIELDS, value, report } from './values.mjs';

const [cmd, dir, mode = 'per-field', durability = ''] = process.argv.slice(2);

// PouchDB's LevelDB adapter writes without LevelDB's `sync` option: a write survives the process dying but
// not the machine losing power. With `fsync`, every write LevelDB makes is synced, as SQLite's
// synchronous=FULL syncs each commit.
if (durability === 'fsync') {
  const require = createRequire(import.meta.url);
  const LevelDOWN = require('leveldown');
  const ChainedBatch = require('leveldown/chained-batch.js');
  const synced = (options) => ({ ...options, sync: true });
  for (const [proto, name, at] of [[LevelDOWN.prototype, '_put', 2], [LevelDOWN.prototype, '_del', 1],
    [LevelDOWN.prototype, '_batch', 1], [ChainedBatch.prototype, '_write', 0]]) {
    const orig = proto[name];
    proto[name] = function (...args) { args[at] = synced(args[at]); return orig.apply(this, args); };
  }
}
const srcPath = join(dir, `pouch-source-${mode}`);
const dstPath = join(dir, `pouch-target-${mode}`);

function docs() {
  const out = [];
  for (let n = 0; n < PEOPLE; n++) {
    if (mode === 'per-attendee') {
      const doc = { _id: `att-${n}` };
      for (const f of FIELDS) doc[f] = value(f, n);
      out.push(doc);
    } else {
      for (const f of FIELDS) out.push({ _id: `att-${n}/${f}`, value: value(f, n) });
    }
  }
  return out;
}

if (cmd === 'seed') {
  rmSync(srcPath, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const src = new PouchDB(srcPath);
  const all = docs();
  for (let i = 0; i < all.length; i += 1000) await src.bulkDocs(all.slice(i, i + 1000));
  const info = await src.info();
  console.error(`seeded ${info.doc_count} docs`);
  await src.close();
} else if (cmd === 'sync') {
  rmSync(dstPath, { recursive: true, force: true });
  const src = new PouchDB(srcPath);
  const dst = new PouchDB(dstPath);
  let bytes = 0;
  const size = (x) => (x === undefined ? 0 : Buffer.byteLength(JSON.stringify(x)));
  const wrap = (db, name) => {
    const orig = db[name].bind(db);
    db[name] = (...args) => {
      // bulkGet reads through get() inside the source: count only the replicator's checkpoint reads.
      const local = (x) => (typeof x === 'string' ? x : x?._id ?? '').startsWith('_local/');
      if ((name === 'get' || name === 'put') && !local(args[0])) return orig(...args);
      bytes += size(typeof args[0] === 'function' ? undefined : args[0]);
      const p = orig(...args);
      if (p && typeof p.then === 'function') p.then((r) => { bytes += size(r); }, () => {});
      return p;
    };
  };
  for (const name of ['bulkGet', 'get', 'put']) wrap(src, name);
  // The apply: the replicator's writes of each batch into the target.
  let applySeconds = 0;
  const origBulkDocs = dst.bulkDocs.bind(dst);
  dst.bulkDocs = async (...args) => {
    const t = performance.now();
    try { return await origBulkDocs(...args); } finally { applySeconds += (performance.now() - t) / 1000; }
  };
  const origChanges = src.changes.bind(src);
  src.changes = (opts) => {
    bytes += size({ since: opts.since, limit: opts.limit });
    return origChanges(opts).on('change', (c) => { bytes += size({ id: c.id, seq: c.seq, changes: c.changes }); });
  };
  const started = performance.now();
  const result = await PouchDB.replicate(src, dst, { batch_size: 1000, batches_limit: 1 });
  const seconds = (performance.now() - started) / 1000;
  const info = await dst.info();
  const values = mode === 'per-attendee' ? info.doc_count * FIELDS.length : info.doc_count;
  if (values !== PEOPLE * FIELDS.length) throw new Error(`target holds ${values} values`);
  await src.close();
  await dst.close();
  report({ peer: `pouchdb-${mode}${durability ? '-' + durability : ''}`, values, docs: result.docs_written, seconds,
    apply_rate: values / applySeconds, rate: values / seconds, bytes });
} else {
  console.error('usage: node pouchdb.mjs seed|sync DIR per-field|per-attendee [fsync]');
  process.exit(2);
}
