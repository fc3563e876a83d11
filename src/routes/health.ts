import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AuditStore } from '../audit/port.js'

const Status = z.object({ status: z.enum(['UP', 'DOWN']) }).meta({ id: 'HelseStatus' })

export const healthRoutes: FastifyPluginAsyncZod<{ audit: AuditStore }> = async (app, { audit }) => {
  app.get('/health/live', { schema: { tags: ['drift'], response: { 200: Status } } }, async () => ({ status: 'UP' as const }))
  app.get('/health/ready', { schema: { tags: ['drift'], response: { 200: Status, 503: Status } } }, async (_req, reply) => {
    const klar = await audit.klar()
    return reply.code(klar ? 200 : 503).send({ status: klar ? 'UP' : 'DOWN' })
  })
}
