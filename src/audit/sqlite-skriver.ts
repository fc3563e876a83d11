// The SQLite store's writer thread: it holds its own connection and runs each group commit, so the
// transaction and its fsync (synchronous=FULL) block this thread, not the service's event loop.
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import type { AuditHendelse } from './port.js'
import { leggTil, SETT_INN_HENDELSE, SISTE_HASH } from './sqlite.js'

// The busy timeout comes first, with the connection: the main thread's connection may hold the write
// lock right now (retention, readiness). WAL is already set, and persists in the file.
const db = new Database((workerData as { sti: string }).sti, { timeout: 5000 })
db.pragma('synchronous = FULL')
const settInn = db.prepare(SETT_INN_HENDELSE)
const sisteHash = db.prepare(SISTE_HASH)

parentPort?.on('message', ({ hendelser }: { hendelser: AuditHendelse[] }) => {
  try {
    leggTil(db, settInn, sisteHash, hendelser)
    parentPort?.postMessage({ ok: true })
  } catch (e) {
    parentPort?.postMessage({ ok: false, melding: (e as Error).message })
  }
})
