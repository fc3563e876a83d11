// One IMMEDIATE transaction on a node:sqlite connection, for the store (sqlite.ts) and its writer
// thread (sqlite-skriver.cjs) alike: node:sqlite has no transaction helper. Plain CommonJS for the
// same reason as kjedeformel.cjs (the thread runs without the TypeScript loader); the bundle copies
// it beside the writer.
'use strict'

/** Runs fn between BEGIN IMMEDIATE and COMMIT, taking the write lock first (so another connection
 *  cannot append in between); rolls back if fn or the commit throws, and throws on. */
function iTransaksjon(db, fn) {
  db.exec('BEGIN IMMEDIATE')
  try {
    const svar = fn()
    db.exec('COMMIT')
    return svar
  } catch (e) {
    if (db.isTransaction) db.exec('ROLLBACK')
    throw e
  }
}

module.exports = { iTransaksjon }
