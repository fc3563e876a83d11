import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'

const Status = z.object({ status: z.enum(['UP', 'DOWN']) }).meta({ id: 'HelseStatus' })

export const healthRoutes: FastifyPluginAsyncZod<{
  /** Stores that must be able to answer (the audit store's probe commits and rolls back). */
  klar: (() => Promise<boolean>)[]
  personregisterNar: () => Promise<boolean>
}> = async (app, { klar: lagre, personregisterNar }) => {
  // Probes may come every few seconds from several places: the register is asked at most this often.
  let sist = { tid: 0, nar: false }
  const registerNar = async () => {
    if (Date.now() - sist.tid > 5000) sist = { tid: Date.now(), nar: await personregisterNar() }
    return sist.nar
  }
  // No token: the platform's probes have none.
  app.get(
    '/health/live',
    {
      schema: {
        operationId: 'live',
        summary: 'Prosessen lever',
        description: 'Livenessprobe: svarer så lenge prosessen kan svare.',
        tags: ['drift'],
        security: [],
        response: { 200: Status },
      },
    },
    async () => ({ status: 'UP' as const }),
  )
  app.get(
    '/health/ready',
    {
      schema: {
        operationId: 'ready',
        summary: 'Klar for trafikk',
        description: 'Readinessprobe: revisjonsloggen, de delte lagrene og personregisteret svarer.',
        tags: ['drift'],
        security: [],
        response: { 200: Status, 503: Status.describe('Ikke klar') },
      },
    },
    async (_req, reply) => {
      const svar = await Promise.all([registerNar(), ...lagre.map((k) => k())])
      const klar = svar.every(Boolean)
      return reply.code(klar ? 200 : 503).send({ status: klar ? 'UP' : 'DOWN' })
    },
  )
}
