// Shutting down under load: once closing has begun, every response ends its keep-alive connection
// (busy clients must not hold the server open past its grace time), and a request that arrives is
// turned away with a problem+json from the catalogue instead of Fastify's plain 503.
import fp from 'fastify-plugin'
import { sendProblem } from './problem.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** True from the moment close() begins (preClose). */
    stenger: boolean
  }
}

export default fp(
  async (app) => {
    app.decorate('stenger', false)
    app.addHook('preClose', async () => {
      app.stenger = true
    })
    // Callback hooks: no promise per request on the hot path.
    app.addHook('onRequest', (_request, reply, done) => {
      if (!app.stenger) return done()
      void sendProblem(reply.header('connection', 'close').header('Retry-After', '1'), 'AVSLUTTER')
    })
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (app.stenger) reply.header('connection', 'close')
      done(null, payload)
    })
  },
  { name: 'avslutning', fastify: '5.x', dependencies: ['problem'] },
)
