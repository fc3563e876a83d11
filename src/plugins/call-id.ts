// Nav-Call-Id: taken from the request when it is a sane token, else generated; used as the
// request id (so every log line carries it) and echoed on every response, with the headers every
// answer carries (FASTE_HODER). One that looks like a personident is never used, logged or
// echoed: one written as an ident is refused (400) under a fresh id; a long digit run with a valid
// ident inside (which a NAV call id's epoch milliseconds can hold by chance) is only replaced.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import fp from 'fastify-plugin'
import type { FastifyReply } from 'fastify'
import { personidentITekst } from '../domain/model.js'
import { Problem } from '../feil.js'

const GYLDIG = /^[A-Za-z0-9._:-]{1,100}$/

/** Requests whose Nav-Call-Id looked like a personident (their id is a fresh one). */
const avvist = new WeakSet<IncomingMessage>()

/** Fastify's genReqId: a caller-supplied id is kept only if it cannot inject into logs and does
 *  not look like a personident. */
export function callIdFra(req: IncomingMessage): string {
  const h = req.headers['nav-call-id']
  if (typeof h === 'string') {
    const ident = personidentITekst(h)
    if (ident === 'SKREVET') avvist.add(req)
    if (ident !== null) return randomUUID()
    if (GYLDIG.test(h)) return h
  }
  return randomUUID()
}

/** What every answer carries (DESIGN §3): most answers can hold personal data, errors included,
 *  so none may be stored by a browser or proxy, or sniffed into another content type. */
export const FASTE_HODER = {
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'x-content-type-options': 'nosniff',
} as const

/** Nav-Call-Id and FASTE_HODER on an answer (also on the problems sent before or without hooks). */
export function fasteHoder(reply: FastifyReply): FastifyReply {
  return reply.headers(FASTE_HODER).header('Nav-Call-Id', reply.request.id)
}

export default fp(
  async (app) => {
    // A callback hook: on every request, so no promise and microtask for a header.
    app.addHook('onRequest', (request, reply, done) => {
      fasteHoder(reply)
      if (avvist.has(request.raw)) return done(new Problem('UGYLDIG_CALL_ID'))
      done()
    })
  },
  { name: 'call-id', fastify: '5.x' },
)
