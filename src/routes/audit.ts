// The audit readers' endpoints (DESIGN §3, §6). Only the audit-reader group; every use is itself
// an audit event, committed before the answer leaves. Personidents travel in bodies only.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Grupper, Saksbehandler } from '../access/regler.js'
import { finnAvvik, type AvvikTerskler } from '../audit/avvik.js'
import { nyHendelse, type AuditHandling, type AuditHendelse, type AuditStore, type LagretHendelse } from '../audit/port.js'
import { verifiserKjede } from '../audit/verifiser.js'
import { Kategori } from '../domain/model.js'
import { Personident } from '../domain/personident.js'
import { Problem } from '../feil.js'
import { innlogget } from '../plugins/auth.js'
import { problemer } from './skjema.js'

export interface AuditRuteValg {
  audit: AuditStore
  grupper: Grupper
  instans: string
  sjekkpunktNokkel: string | null
  avvik: AvvikTerskler & { historikkDager: number }
  na: () => number
}

// Stored times are UTC ISO strings, compared as text: normalise whatever offset the caller used.
const Tid = z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString())
const Navident = z.string().regex(/^[A-Z]\d{6}$/)

const Hendelse = z
  .object({
    id: z.number().int(),
    tid: z.string(),
    navident: z.string(),
    handling: z.string(),
    kategori: Kategori.nullable(),
    personident: z.string().nullable(),
    henvendelseId: z.string().nullable(),
    beslutning: z.enum(['Permit', 'Deny']),
    regel: z.string().nullable(),
    kilde: z.enum(['cache', 'upstream']).nullable(),
    sporingsIder: z.array(z.string()),
    callId: z.string(),
    instans: z.string(),
  })
  .meta({ id: 'AuditHendelse' })

const SokBody = z
  .strictObject({
    personident: Personident.optional(),
    navident: Navident.optional(),
    fra: Tid.optional(),
    til: Tid.optional(),
    /** Opaque cursor from the previous page. */
    cursor: z.string().regex(/^\d{1,15}$/).optional(),
    grense: z.number().int().min(1).max(500).default(100),
  })
  .meta({ id: 'AuditSok' })
const SokSvar = z.object({ hendelser: z.array(Hendelse), nesteCursor: z.string().nullable() }).meta({ id: 'AuditSokSvar' })

const InnsynBody = z.strictObject({ personident: Personident, fra: Tid.optional(), til: Tid.optional() }).meta({ id: 'AuditInnsyn' })
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
      .object({ arsak: z.enum(['ENDRET', 'BRUTT_LENKE', 'UGYLDIG_SJEKKPUNKT']), id: z.number().int().nullable(), forrigeId: z.number().int().nullable().optional() })
      .nullable(),
  })
  .meta({ id: 'AuditVerifisering' })

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
  })
  .meta({ id: 'AuditAvvik' })

const INNSYN_MAKS = 10_000
const SIDE = 1000

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What a use of the route is recorded as in the audit log. */
    handling?: AuditHandling
  }
}

export const auditRoutes: FastifyPluginAsyncZod<AuditRuteValg> = async (app, valg) => {
  const { audit } = valg
  const hendelse = (s: Saksbehandler, callId: string, handling: AuditHandling, felt: Partial<AuditHendelse> = {}): AuditHendelse =>
    nyHendelse({ tid: valg.na(), navident: s.navident, callId, instans: valg.instans }, { handling, beslutning: 'Permit', ...felt })

  // onRequest: nobody unauthenticated gets as far as body parsing and validation.
  app.addHook('onRequest', app.autentiser)
  app.addHook('onRequest', async (request) => {
    const s = innlogget(request)
    if (!s.grupper.includes(valg.grupper.revisjon)) {
      // Each route names its own handling (route config), so the denial is recorded as what was tried.
      const handling = request.routeOptions.config.handling ?? 'AUDIT_SOK'
      await audit.skriv([hendelse(s, request.id, handling, { beslutning: 'Deny', regel: 'AVVIST_IKKE_REVISOR' })])
      throw new Problem('AVVIST_IKKE_REVISOR')
    }
  })

  /** Every event in [fra, til) matching the filter, page by page. */
  async function alleI(filter: { personident?: string; fra?: string; til?: string }, maks: number): Promise<LagretHendelse[]> {
    const ut: LagretHendelse[] = []
    let etterId = 0
    for (;;) {
      const side = await audit.sok({ ...filter, etterId, grense: SIDE })
      ut.push(...side)
      // Only an empty page ends it: a store may cap a page below SIDE while more events follow.
      if (side.length === 0 || ut.length >= maks) break
      etterId = (side.at(-1) as LagretHendelse).id
    }
    return ut.slice(0, maks)
  }

  app.post('/audit/sok', {
    config: { handling: 'AUDIT_SOK' },
    schema: { summary: 'Søk i revisjonsloggen', tags: ['revisjon'], body: SokBody, response: { 200: SokSvar, ...problemer(400, 401, 403, 503) } },
  }, async (request) => {
    const { cursor, grense, ...filter } = request.body
    await audit.skriv([hendelse(innlogget(request), request.id, 'AUDIT_SOK', { personident: filter.personident ?? null })])
    const hendelser = await audit.sok({ ...filter, etterId: cursor ? Number(cursor) : 0, grense: grense + 1 })
    const flere = hendelser.length > grense
    const side = hendelser.slice(0, grense)
    return {
      hendelser: side.map(({ forrigeHash: _f, hash: _h, ...h }) => h),
      nesteCursor: flere ? String((side.at(-1) as LagretHendelse).id) : null,
    }
  })

  app.post('/audit/innsyn', {
    config: { handling: 'AUDIT_INNSYN' },
    schema: {
      summary: 'Innsynsrapport: hvem har sett hva om én person, når og under hvilken henvendelse',
      tags: ['revisjon'], body: InnsynBody, response: { 200: InnsynSvar, ...problemer(400, 401, 403, 503) },
    },
  }, async (request) => {
    const { personident, fra, til } = request.body
    await audit.skriv([hendelse(innlogget(request), request.id, 'AUDIT_INNSYN', { personident })])
    const alle = await alleI({ personident, ...(fra ? { fra } : {}), ...(til ? { til } : {}) }, INNSYN_MAKS + 1)
    return {
      personident,
      generert: new Date(valg.na()).toISOString(),
      tilganger: alle.slice(0, INNSYN_MAKS).map((h) => ({
        tid: h.tid, navident: h.navident, handling: h.handling, kategori: h.kategori, henvendelseId: h.henvendelseId, beslutning: h.beslutning,
      })),
      avkortet: alle.length > INNSYN_MAKS,
    }
  })

  app.get('/audit/verifiser', {
    config: { handling: 'AUDIT_VERIFISER' },
    schema: { summary: 'Verifiser revisjonsloggens hash-kjede', tags: ['revisjon'], response: { 200: Verifisering, ...problemer(401, 403, 503) } },
  }, async (request) => {
    await audit.skriv([hendelse(innlogget(request), request.id, 'AUDIT_VERIFISER')])
    return verifiserKjede(audit, { nokkel: valg.sjekkpunktNokkel })
  })

  app.get('/audit/avvik', {
    config: { handling: 'AUDIT_AVVIK' },
    schema: {
      summary: 'Mistenkelige tilgangsmønstre i et tidsrom', tags: ['revisjon'], querystring: AvvikQuery,
      response: { 200: AvvikSvar, ...problemer(400, 401, 403, 503) },
    },
  }, async (request) => {
    const { fra, til } = request.query
    await audit.skriv([hendelse(innlogget(request), request.id, 'AUDIT_AVVIK')])
    const historikkFra = new Date(Date.parse(fra) - valg.avvik.historikkDager * 86_400_000).toISOString()
    const [vindu, historikk] = await Promise.all([alleI({ fra, til }, 1_000_000), alleI({ fra: historikkFra, til: fra }, 1_000_000)])
    return { fra, til, avvik: finnAvvik(vindu, historikk, { fra, til, historikkDager: valg.avvik.historikkDager }, valg.avvik) }
  })
}
