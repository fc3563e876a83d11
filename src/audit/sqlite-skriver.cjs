// The SQLite store's writer thread: it holds its own connection and runs each group commit and each
// retention slice, so the transactions and their fsync (synchronous=FULL) block that thread, not
// the service's event loop. One message at a time: commits and slices take turns by construction.
//
// Plain CommonJS, not TypeScript: a thread does not inherit the TypeScript loader the service may
// run under (tsx, tests). The chain's formula comes from kjedeformel.cjs, the module port.ts uses,
// so writer and verifier cannot drift apart; the transaction from sqlite-transaksjon.cjs, as the
// store's. The bundle copies these files beside it.
//
// The main thread sends only each event's canonical encoding (port.ts kanoniskForm: the fields as
// a JSON array in the column order of the INSERT, trailing nulls left out): the row is read back
// from it here, so the event crosses the thread boundary as one string (no object cloned per
// event) and what is stored is exactly what is hashed. The chain is extended inside one IMMEDIATE
// transaction.
'use strict'
const { parentPort, workerData } = require('node:worker_threads')
const { DatabaseSync } = require('node:sqlite')
const { kjedeHashAvForm, signatur, sjekkpunktInnhold } = require('./kjedeformel.cjs')
const { iTransaksjon } = require('./sqlite-transaksjon.cjs')

const { nokkel, kolonner } = workerData
/** Position of sporings_ider: stored as its JSON text. */
const SPORING = kolonner.indexOf('sporings_ider')
// The busy timeout comes with the connection: the main thread's connection (readiness, which waits
// for nobody) or another process's may hold the write lock right now. It is the write deadline
// (AUDIT_SKRIVEFRIST_MS): the main thread gives up on the commit then too. WAL is already set, and
// persists in the file.
const db = new DatabaseSync(workerData.sti, { timeout: workerData.fristMs })
db.exec('PRAGMA synchronous = FULL')
const sql = workerData.sql
const settInn = db.prepare(sql.settInn)
const sisteHash = db.prepare(sql.sisteHash)
const leggTil = (former) =>
  iTransaksjon(db, () => {
    let hash = sisteHash.get().hash ?? workerData.genesis
    for (const kanonisk of former) {
      const f = JSON.parse(kanonisk)
      const forrigeHash = hash
      hash = kjedeHashAvForm(nokkel, forrigeHash, kanonisk)
      const rad = kolonner.map((_, i) => (i === SPORING ? JSON.stringify(f[i]) : (f[i] ?? null)))
      settInn.run(...rad, forrigeHash, hash)
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
const slettSkive = ({ grense, bit }) =>
  iTransaksjon(db, () => {
    const siste = skiveSlutt.get(grense, bit)
    if (!siste) return 0
    // The deletion trigger lets rows go only while this marker exists, i.e. inside this transaction.
    tillat.run()
    const antall = Number(slett.run(siste.id).changes)
    forby.run()
    const forrige = sisteSignatur.get()?.signatur ?? null
    const tid = new Date().toISOString()
    const id = Number(siste.id)
    settInnSjekkpunkt.run(
      id,
      siste.hash,
      antall,
      tid,
      forrige,
      signatur(nokkel, sjekkpunktInnhold(id, siste.hash, antall, tid, forrige)),
    )
    return antall
  })
parentPort.on('message', (melding) => {
  try {
    if (Array.isArray(melding)) {
      leggTil(melding)
      parentPort.postMessage({ ok: true })
    } else {
      parentPort.postMessage({ ok: true, slettet: slettSkive(melding) })
    }
  } catch (e) {
    parentPort.postMessage({ ok: false, melding: e.message })
  }
})
// Up: the store reports ready only from here (a thread that failed to open the file never says so).
parentPort.postMessage({ oppe: true })
