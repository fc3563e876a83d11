// The audit readers' endpoints (DESIGN §3, §6). Only the audit-reader group; every use is itself
// an audit event, committed before the answer leaves. Personidents travel in bodies only.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import { AVVIK_MAKS_DAGER } from '../audit/avvik.js'
import type { AuditHandling } from '../audit/port.js'
import { Revisjon, type Leser, type RevisjonValg } from '../audit/revisjon.js'
import { Kategori, Navident } from '../domain/model.js'
import { Personident } from '../domain/personident.js'
import { innlogget } from '../plugins/auth.js'
import { problemer } from './skjema.js'

/** What the audit reader service needs; the plugin makes its own (one per app). */
export type AuditRuteValg = RevisjonValg

// Stored times are UTC ISO strings, compared as text: normalise whatever offset the caller used.
const Tid = z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString())

const Hendelse = z
  .object({
    id: z.number().int(),
    tid: z.string(),
    navident: z.string(),
    handling: z.string(),
    kategori: Kategori.nullable(),
    personident: z.string().nullable().describe('as typed by the employee'),
    gjeldendeIdent: z.string().nullable().describe("the person's current ident from PDL; null when none was resolved"),
    henvendelseId: z.string().nullable(),
    beslutning: z.enum(['Permit', 'Deny']),
    regel: z.string().nullable(),
    kilde: z.enum(['cache', 'upstream']).nullable(),
    sporingsIder: z.array(z.string()),
    callId: z.string(),
    instans: z.string(),
    /** What else the access was, as JSON text: an audit query's filters and how many events and
     *  persons its answer named. */
    detaljer: z.string().nullable().optional(),
  })
  .meta({ id: 'AuditHendelse' })

const SokBody = z
  .strictObject({
    personident: Personident.optional(),
    navident: Navident.optional(),
    fra: Tid.optional(),
    til: Tid.optional(),
    /** Opaque cursor from the previous page. */
    cursor: z
      .string()
      .regex(/^\d{1,15}$/)
      .optional(),
    grense: z.number().int().min(1).max(500).default(100),
  })
  .meta({ id: 'AuditSok' })
const SokSvar = z
  .object({ hendelser: z.array(Hendelse), nesteCursor: z.string().nullable() })
  .meta({ id: 'AuditSokSvar' })

const InnsynBody = z
  .strictObject({
    personident: Personident.describe("any of the person's idents, current or earlier: the report covers all of them"),
    fra: Tid.optional(),
    til: Tid.optional(),
  })
  .meta({ id: 'AuditInnsyn' })
const InnsynSvar = z
  .object({
    personident: z.string(),
    generert: z.string(),
    tilganger: z.array(
      z.object({
        tid: z.string(),
        navident: z.string(),
        handling: z.string(),
        kategori: Kategori.nullable(),
        henvendelseId: z.string().nullable(),
        beslutning: z.enum(['Permit', 'Deny']),
      }),
    ),
    avkortet: z.boolean(),
  })
  .meta({ id: 'AuditInnsynSvar' })

const Verifisering = z
  .object({
    gyldig: z.boolean(),
    antall: z.number().int(),
    startEtterId: z.number().int(),
    sisteId: z.number().int().nullable(),
    forsteBrudd: z
      .object({
        arsak: z.enum(['ENDRET', 'BRUTT_LENKE', 'UGYLDIG_SJEKKPUNKT', 'UTEN_NOKKEL', 'HODE_MANGLER', 'HODE_AVVIKER']),
        id: z.number().int().nullable(),
        forrigeId: z.number().int().nullable().optional(),
      })
      .nullable(),
  })
  .meta({ id: 'AuditVerifisering' })

/** A chain head emitted earlier to the CEF stream (`audit:kjedehode`: cn1 and cs1), both or none. */
const VerifiserQuery = z
  .strictObject({
    id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    hash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
  })
  .refine((q) => (q.id === undefined) === (q.hash === undefined), { message: 'id og hash sammen' })

const AvvikQuery = z.strictObject({ fra: Tid, til: Tid })
const AvvikSvar = z
  .object({
    fra: z.string(),
    til: z.string(),
    avvik: z.array(
      z.object({
        type: z.enum(['HOYT_VOLUM', 'OPPSLAG_AV_KOLLEGA', 'GJENTATTE_AVSLAG', 'OPPSLAG_UTEN_LESING']),
        navident: z.string(),
        antall: z.number().optional(),
        normalPerDag: z.number().optional(),
        regler: z.array(z.string()).optional(),
        personident: z.string().optional(),
        henvendelseId: z.string().nullable().optional(),
        tid: z.string().optional(),
      }),
    ),
    /** More findings of some kind than one answer holds (AVVIK_MAKS_RADER each): narrow the window. */
    avkortet: z.boolean(),
  })
  .meta({ id: 'AuditAvvik' })

/** Every use is audited, a refusal included. */
const REVISJON = ['UAUTENTISERT', 'AVVIST_IKKE_REVISOR', 'AUDIT_UTILGJENGELIG'] as const

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What a use of the route is recorded as in the audit log. */
    handling?: AuditHandling
  }
}

const leser = (request: FastifyRequest): Leser => ({ saksbehandler: innlogget(request), callId: request.id })

export const auditRoutes: FastifyPluginAsyncZod<AuditRuteValg> = async (app, valg) => {
  const revisjon = new Revisjon(valg)
  // onRequest: nobody unauthenticated gets as far as body parsing and validation.
  app.addHook('onRequest', app.autentiser)
  // Each route names its own handling (route config), so a denial is recorded as what was tried.
  app.addHook('onRequest', (request) =>
    revisjon.krevRevisor(leser(request), request.routeOptions.config.handling ?? 'AUDIT_SOK'),
  )

  app.post(
    '/audit/sok',
    {
      config: { handling: 'AUDIT_SOK' },
      schema: {
        operationId: 'sokIRevisjonslogg',
        summary: 'Søk i revisjonsloggen',
        description: 'Hendelser etter person, NAV-ident og tidsrom, side for side. Søket revisjonslogges selv.',
        tags: ['revisjon'],
        body: SokBody,
        response: { 200: SokSvar, ...problemer(...REVISJON) },
      },
    },
    async (request) => {
      const { cursor, ...sok } = request.body
      const { hendelser, nesteCursor } = await revisjon.sok(leser(request), {
        ...sok,
        etterId: cursor ? Number(cursor) : 0,
        ...(cursor ? { cursor } : {}),
      })
      return {
        hendelser: hendelser.map(({ forrigeHash: _f, hash: _h, ...h }) => ({
          ...h,
          gjeldendeIdent: h.gjeldendeIdent ?? null,
        })),
        nesteCursor: nesteCursor === null ? null : String(nesteCursor),
      }
    },
  )

  app.post(
    '/audit/innsyn',
    {
      config: { handling: 'AUDIT_INNSYN' },
      schema: {
        operationId: 'lagInnsynsrapport',
        description: 'Alle personens identer (fra PDL) tas med. Rapporten revisjonslogges selv.',
        summary: 'Innsynsrapport: hvem har sett hva om én person, når og under hvilken henvendelse',
        tags: ['revisjon'],
        body: InnsynBody,
        response: { 200: InnsynSvar, ...problemer(...REVISJON, 'REGISTER_UTILGJENGELIG') },
      },
    },
    async (request) => {
      const { personident, ...periode } = request.body
      const { tilganger, avkortet } = await revisjon.innsyn(leser(request), personident, periode)
      return {
        personident,
        generert: new Date(valg.na()).toISOString(),
        tilganger: tilganger.map((h) => ({
          tid: h.tid,
          navident: h.navident,
          handling: h.handling,
          kategori: h.kategori,
          henvendelseId: h.henvendelseId,
          beslutning: h.beslutning,
        })),
        avkortet,
      }
    },
  )

  app.get(
    '/audit/verifiser',
    {
      config: { handling: 'AUDIT_VERIFISER' },
      schema: {
        operationId: 'verifiserRevisjonslogg',
        description: 'Går gjennom hele kjeden og sier hvor den første gang er brutt.',
        summary:
          'Verifiser revisjonsloggens hash-kjede, eventuelt mot et kjedehode sendt ut tidligere (CEF audit:kjedehode)',
        tags: ['revisjon'],
        querystring: VerifiserQuery,
        response: { 200: Verifisering, ...problemer(...REVISJON, 'UGYLDIG_FORESPORSEL') },
      },
    },
    async (request) => {
      const { id, hash } = request.query
      return revisjon.verifiser(leser(request), id !== undefined && hash !== undefined ? { id, hash } : undefined)
    },
  )

  app.get(
    '/audit/avvik',
    {
      config: { handling: 'AUDIT_AVVIK' },
      schema: {
        operationId: 'finnAvvik',
        description: 'Høyt volum, oppslag av kolleger, gjentatte avslag og oppslag uten lesing, per NAV-ident.',
        summary: `Mistenkelige tilgangsmønstre i et tidsrom (høyst ${AVVIK_MAKS_DAGER} døgn)`,
        tags: ['revisjon'],
        querystring: AvvikQuery,
        response: { 200: AvvikSvar, ...problemer(...REVISJON, 'UGYLDIG_FORESPORSEL', 'UGYLDIG_TIDSROM') },
      },
    },
    async (request) => {
      const { fra, til } = request.query
      return { fra, til, ...(await revisjon.avvik(leser(request), fra, til)) }
    },
  )
}
