// The SQLite store's writer thread: it holds its own connection and runs each group commit, so the
// transaction and its fsync (synchronous=FULL) block that thread, not the service's event loop.
//
// The thread runs this small script (eval, CommonJS) rather than a module of ours: a thread does not
// inherit the TypeScript loader the service may run under (tsx, tests), and what it does is only
// SQL. The main thread sends only each event's canonical encoding (port.ts kanoniskForm: the fields
// as a JSON array in the column order of the INSERT): the row is read back from it here, so the
// event crosses the thread boundary as one string (no object cloned per event) and what is stored
// is exactly what is hashed. The chain is extended inside one IMMEDIATE transaction with the same
// formula as kjedeHashAvForm, which the contract tests check by verifying the chain with port.ts.
export const SKRIVER_KODE = `
const { parentPort, workerData } = require('node:worker_threads')
// One-shot hash (Node 20.12+): half the cost of a Hash object per event.
const { hash: sha } = require('node:crypto')
const Database = require(workerData.betterSqlite3)
// The busy timeout comes with the connection: the main thread's connection may hold the write lock
// right now (retention, readiness). WAL is already set, and persists in the file.
const db = new Database(workerData.sti, { timeout: 5000 })
db.pragma('synchronous = FULL')
const settInn = db.prepare(workerData.settInn)
const sisteHash = db.prepare(workerData.sisteHash)
const leggTil = db.transaction((former) => {
  let hash = sisteHash.get().hash ?? workerData.genesis
  for (const kanonisk of former) {
    const f = JSON.parse(kanonisk)
    const forrigeHash = hash
    hash = sha('sha256', forrigeHash + '\\n' + kanonisk, 'hex')
    settInn.run(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], JSON.stringify(f[9]), f[10], f[11], forrigeHash, hash)
  }
})
parentPort.on('message', (former) => {
  try {
    leggTil.immediate(former)
    parentPort.postMessage({ ok: true })
  } catch (e) {
    parentPort.postMessage({ ok: false, melding: e.message })
  }
})
`
