// The audit chain's formula, in one module of no imports of ours, plain CommonJS: the service
// imports it (port.ts) and the SQLite writer thread requires it (sqlite-skriver.cjs), which runs
// without the TypeScript loader the service may run under. The bundle copies this file beside it
// (scripts/bundle.ts).
'use strict'
const { createHmac } = require('node:crypto')

/** HMAC-SHA-256 with the chain's key over the previous hash and an event's canonical encoding
 *  (port.ts kanoniskForm). */
function kjedeHashAvForm(nokkel, forrigeHash, kanonisk) {
  return createHmac('sha256', nokkel).update(`${forrigeHash}\n${kanonisk}`).digest('hex')
}

/** A retention checkpoint's signature over what it covers (port.ts sjekkpunktInnhold). */
function signatur(nokkel, innhold) {
  return createHmac('sha256', nokkel).update(innhold).digest('hex')
}

/** What a checkpoint's signature covers, in this order (port.ts sjekkpunktInnhold, the writer thread). */
function sjekkpunktInnhold(sisteSlettedeId, sisteSlettedeHash, antallSlettet, tid, forrigeSignatur) {
  return JSON.stringify([sisteSlettedeId, sisteSlettedeHash, antallSlettet, tid, forrigeSignatur])
}

module.exports = { kjedeHashAvForm, signatur, sjekkpunktInnhold }
