// The lookup endpoints (DESIGN §3). Personidents travel only in request bodies.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Saksbehandler } from '../access/regler.js'
import type { OppslagService } from '../oppslag/service.js'
import { KategoriParams, KategoriSvar, Oppslag, OppslagOpprettet, OppslagParams, StartOppslag, problemer } from './skjema.js'

export const oppslagRoutes: FastifyPluginAsyncZod<{ oppslag: OppslagService }> = async (app, { oppslag }) => {
  app.addHook('preHandler', app.autentiser)
  const saksbehandler = (s: Saksbehandler | null): Saksbehandler => s as Saksbehandler // set by autentiser

  app.post('/oppslag', {
    bodyLimit: 1024,
    schema: {
      summary: 'Start et oppslag',
      description: 'Kjører tilgangsreglene. Personidenten står kun i innholdet, aldri i URL-en.',
      tags: ['oppslag'],
      body: StartOppslag,
      response: { 201: OppslagOpprettet, ...problemer(400, 401, 403, 404, 413, 415, 503) },
    },
  }, async (request, reply) => {
    const { personident, henvendelseId } = request.body
    const svar = await oppslag.start(saksbehandler(request.saksbehandler), personident, henvendelseId ?? null, request.id)
    return reply.code(201).send(svar)
  })

  app.get('/oppslag/:oppslagId', {
    schema: {
      summary: 'Alle kategorier i oppslaget',
      tags: ['oppslag'],
      params: OppslagParams,
      response: { 200: Oppslag, ...problemer(400, 401, 403, 404, 503) },
    },
  }, async (request) => {
    const { oppslagId } = request.params
    const lest = await oppslag.les(saksbehandler(request.saksbehandler), oppslagId, null, request.id)
    const { kilder: _kilder, ...kategorier } = lest.data
    return { oppslagId, utloper: lest.utloper, kilder: lest.kilder, tilbakeholdt: lest.tilbakeholdt, kategorier }
  })

  app.get('/oppslag/:oppslagId/:kategori', {
    schema: {
      summary: 'Én kategori i oppslaget',
      tags: ['oppslag'],
      params: KategoriParams,
      response: { 200: KategoriSvar, ...problemer(400, 401, 403, 404, 503) },
    },
  }, async (request) => {
    const { oppslagId, kategori } = request.params
    const lest = await oppslag.les(saksbehandler(request.saksbehandler), oppslagId, kategori, request.id)
    return { oppslagId, utloper: lest.utloper, kilder: lest.kilder, tilbakeholdt: lest.tilbakeholdt, kategori, data: lest.data[kategori] }
  })

  app.delete('/oppslag/:oppslagId', {
    schema: {
      summary: 'Avslutt oppslaget; mellomlagrede data slettes straks',
      tags: ['oppslag'],
      params: OppslagParams,
      response: { 204: z.null().describe('Avsluttet'), ...problemer(400, 401, 404, 503) },
    },
  }, async (request, reply) => {
    await oppslag.avslutt(saksbehandler(request.saksbehandler), request.params.oppslagId, request.id)
    return reply.code(204).send(null)
  })
}
