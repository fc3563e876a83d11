// The lookup endpoints (DESIGN §3). Personidents travel only in request bodies.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import rateLimit from '@fastify/rate-limit'
import { innlogget } from '../plugins/auth.js'
import { Problem } from '../feil.js'
import { heltSvar, kategoriSvar } from '../oppslag/kompakt.js'
import type { OppslagService } from '../oppslag/service.js'
import type { StartGrense } from '../oppslag/startgrense.js'

import {
  KategoriParams,
  KategoriSvar,
  Oppslag,
  OppslagOpprettet,
  OppslagParams,
  StartOppslag,
  problemer,
} from './skjema.js'

const JSON_TYPE = 'application/json; charset=utf-8'
/** What every lookup route can answer: each use is audited and may be rate limited. */
const FELLES = ['UAUTENTISERT', 'FOR_MANGE_FORESPORSLER', 'AUDIT_UTILGJENGELIG', 'OPPSLAG_LAGER_UTILGJENGELIG'] as const
/** A read re-checks rules 1-3 and every lift the lookup needed (access/regler.ts vurderLesing). */
const LES = [
  ...FELLES,
  'UGYLDIG_OPPSLAG_ID',
  'OPPSLAG_UTLOPT',
  'KILDER_UTILGJENGELIG',
  'AVVIST_MANGLER_ROLLE',
  'AVVIST_MANGLER_HENVENDELSE',
  'AVVIST_STRENGT_FORTROLIG_ADRESSE',
  'AVVIST_STRENGT_FORTROLIG_UTLAND',
  'AVVIST_FORTROLIG_ADRESSE',
  'AVVIST_SKJERMING',
] as const

export const oppslagRoutes: FastifyPluginAsyncZod<{
  oppslag: OppslagService
  rateLimitPerMinutt: number
  startGrense: StartGrense
}> = async (app, { oppslag, rateLimitPerMinutt, startGrense }) => {
  // onRequest: nobody unauthenticated gets as far as body parsing and validation.
  app.addHook('onRequest', app.autentiser)
  // Per employee, after authentication: keyed by the verified NAVident, never by anything a
  // caller could forge.
  await app.register(rateLimit, {
    hook: 'preHandler',
    max: rateLimitPerMinutt,
    timeWindow: 60_000,
    keyGenerator: (request) => innlogget(request).navident,
    errorResponseBuilder: () => new Problem('FOR_MANGE_FORESPORSLER'),
    // The limit's headers go only on the 429 (with Retry-After): it guards against misuse and is
    // no quota a client plans by, and three headers on every answer were a visible part of a read.
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
  })

  app.post(
    '/oppslag',
    {
      bodyLimit: 1024,
      schema: {
        operationId: 'startOppslag',
        summary: 'Start et oppslag',
        description: 'Kjører tilgangsreglene. Personidenten står kun i innholdet, aldri i URL-en.',
        tags: ['oppslag'],
        body: StartOppslag,
        response: {
          201: OppslagOpprettet,
          ...problemer(
            ...FELLES,
            'UGYLDIG_PERSONIDENT',
            'UGYLDIG_HENVENDELSE_ID',
            'AVVIST_MANGLER_ROLLE',
            'AVVIST_MANGLER_HENVENDELSE',
            'AVVIST_STRENGT_FORTROLIG_ADRESSE',
            'AVVIST_STRENGT_FORTROLIG_UTLAND',
            'AVVIST_FORTROLIG_ADRESSE',
            'AVVIST_SKJERMING',
            'AVVIST_HABILITET',
            'PERSON_IKKE_FUNNET',
            'REGISTER_UTILGJENGELIG',
          ),
        },
      },
      // Starting lookups has a lower limit of its own than reading them (./oppslag/startgrense.ts).
      preHandler: async (request, reply) => {
        const ventMs = await startGrense.tell(innlogget(request).navident)
        if (ventMs !== null) {
          reply.header('Retry-After', String(Math.max(1, Math.ceil(ventMs / 1000))))
          throw new Problem('FOR_MANGE_FORESPORSLER')
        }
      },
    },
    async (request, reply) => {
      const { personident, henvendelseId } = request.body
      const svar = await oppslag.start(innlogget(request), personident, henvendelseId ?? null, request.id)
      return reply.code(201).send(svar)
    },
  )

  app.get(
    '/oppslag/:oppslagId',
    {
      schema: {
        operationId: 'hentOppslag',
        summary: 'Alle kategorier i oppslaget',
        description:
          'Henter fra kommunene ved første lesing og mellomlagrer; hver lesing revisjonslogges per kategori og sjekker tilgangen på nytt.',
        tags: ['oppslag'],
        params: OppslagParams,
        response: { 200: Oppslag, ...problemer(...LES) },
      },
    },
    async (request, reply) => {
      const { oppslagId } = request.params
      const lest = await oppslag.les(innlogget(request), oppslagId, null, request.id)
      // Already validated against the schema and serialized when fetched (oppslag/kompakt.ts).
      return reply.type(JSON_TYPE).send(heltSvar(lest.kompakt, oppslagId, lest.utloper) as never)
    },
  )

  app.get(
    '/oppslag/:oppslagId/:kategori',
    {
      schema: {
        operationId: 'hentKategori',
        summary: 'Én kategori i oppslaget',
        description: 'Som hele oppslaget, men bare én kategori i svaret og i revisjonsloggen.',
        tags: ['oppslag'],
        params: KategoriParams,
        response: { 200: KategoriSvar, ...problemer(...LES, 'UKJENT_KATEGORI') },
      },
    },
    async (request, reply) => {
      const { oppslagId, kategori } = request.params
      const lest = await oppslag.les(innlogget(request), oppslagId, kategori, request.id)
      return reply.type(JSON_TYPE).send(kategoriSvar(lest.kompakt, oppslagId, lest.utloper, kategori) as never)
    },
  )

  app.delete(
    '/oppslag/:oppslagId',
    {
      schema: {
        operationId: 'avsluttOppslag',
        summary: 'Avslutt oppslaget; mellomlagrede data slettes straks',
        description: 'Etterpå svarer oppslaget 404 OPPSLAG_UTLOPT, på alle instanser.',
        tags: ['oppslag'],
        params: OppslagParams,
        response: {
          204: z.null().describe('Avsluttet'),
          ...problemer(...FELLES, 'UGYLDIG_OPPSLAG_ID', 'OPPSLAG_UTLOPT'),
        },
      },
    },
    async (request, reply) => {
      await oppslag.avslutt(innlogget(request), request.params.oppslagId, request.id)
      return reply.code(204).send(null)
    },
  )
}
