// The SQLite store's writer thread: it holds its own connection and runs each group commit and each
// retention slice, so the transactions and their fsync (synchronous=FULL) block that thread, not
// the service's event loop. One message at a time: commits and slices take turns by construction.
//
// The thread runs this small script (eval, CommonJS) rather than a module of ours: a thread does not
// inherit the TypeScript loader the service may run under (tsx, tests), and what it does is only
// SQL. The main thread sends only each event's canonical encoding (port.ts kanoniskForm: the fields
// as a JSON array in the column order of the INSERT): the row is read back from it here, so the
// event crosses the thread boundary as one string (no object cloned per event) and what is stored
// is exactly what is hashed. The chain is extended inside one IMMEDIATE transaction with the same
// formula as kjedeHashAvForm, and a checkpoint is signed with the same formula as
// sjekkpunktSignatur: the contract tests verify both with port.ts.
export const SKRIVER_KODE = `
const { parentPort, workerData } = require('node:worker_threads')
// One-shot hash (Node 20.12+): half the cost of a Hash object per event.
const { hash: sha, createHmac } = require('node:crypto')
const Database = require(workerData.betterSqlite3)
// The busy timeout comes with the connection: the main thread's connection (readiness, which waits
// for nobody) or another process's may hold the write lock right now. WAL is already set, and
// persists in the file.
const db = new Database(workerData.sti, { timeout: 5000 })
db.pragma('synchronous = FULL')
const sql = workerData.sql
const settInn = db.prepare(sql.settInn)
const sisteHash = db.prepare(sql.sisteHash)
const leggTil = db.transaction((former) => {
  let hash = sisteHash.get().hash ?? workerData.genesis
  for (const kanonisk of former) {
    const f = JSON.parse(kanonisk)
    const forrigeHash = hash
    hash = sha('sha256', forrigeHash + '\\n' + kanonisk, 'hex')
    settInn.run(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], JSON.stringify(f[9]), f[10], f[11], forrigeHash, hash)
  }
})
const skiveSlutt = db.prepare(sql.skiveSlutt)
const tillat = db.prepare(sql.tillatSletting)
const slett = db.prepare(sql.slett)
const forby = db.prepare(sql.forbySletting)
const sisteSignatur = db.prepare(sql.sisteSignatur)
const settInnSjekkpunkt = db.prepare(sql.settInnSjekkpunkt)
// One slice of retention: the oldest events up to grense, at most bit, and the checkpoint that
// continues the chain from the last of them.
const slettSkive = db.transaction(({ grense, bit, nokkel }) => {
  const siste = skiveSlutt.get(grense, bit)
  if (!siste) return 0
  // The deletion trigger lets rows go only while this marker exists, i.e. inside this transaction.
  tillat.run()
  const antall = slett.run(siste.id).changes
  forby.run()
  const forrige = sisteSignatur.get()?.signatur ?? null
  const tid = new Date().toISOString()
  const id = Number(siste.id)
  const innhold = JSON.stringify([id, siste.hash, antall, tid, forrige])
  const signatur = nokkel ? createHmac('sha256', nokkel).update(innhold).digest('hex') : sha('sha256', innhold, 'hex')
  settInnSjekkpunkt.run(id, siste.hash, antall, tid, forrige, signatur)
  return antall
})
parentPort.on('message', (melding) => {
  try {
    if (Array.isArray(melding)) {
      leggTil.immediate(melding)
      parentPort.postMessage({ ok: true })
    } else {
      parentPort.postMessage({ ok: true, slettet: slettSkive.immediate(melding) })
    }
  } catch (e) {
    parentPort.postMessage({ ok: false, melding: e.message })
  }
})
`
