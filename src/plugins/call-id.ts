// Nav-Call-Id: taken from the request when it is a sane token, else generated; used as the
// request id (so every log line carries it) and echoed on every response.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import fp from 'fastify-plugin'

const GYLDIG = /^[A-Za-z0-9._:-]{1,100}$/

/** Fastify's genReqId: a caller-supplied id is kept only if it cannot inject into logs. */
export function callIdFra(req: IncomingMessage): string {
  const h = req.headers['nav-call-id']
  return typeof h === 'string' && GYLDIG.test(h) ? h : randomUUID()
}

export default fp(
  async (app) => {
    // A callback hook: on every request, so no promise and microtask for a header.
    app.addHook('onRequest', (request, reply, done) => {
      reply.header('Nav-Call-Id', request.id)
      done()
    })
  },
  { name: 'call-id', fastify: '5.x' },
)
