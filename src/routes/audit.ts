// The audit readers' endpoints (DESIGN §3, §6). Only the audit-reader group; every use is itself
// an audit event, committed before the answer leaves. Personidents travel in bodies only.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Grupper, Saksbehandler } from '../access/regler.js'
import { AVVIK_MAKS_DAGER, AVVIK_MAKS_RADER, settSammen, type AvvikTerskler } from '../audit/avvik.js'
import { nyHendelse, type AuditHandling, type AuditHendelse, type AuditStore, type LagretHendelse } from '../audit/port.js'
import { verifiserKjede } from '../audit/verifiser.js'
import { Kategori } from '../domain/model.js'
import { Personident } from '../domain/personident.js'
import { Problem } from '../feil.js'
import { innlogget } from '../plugins/auth.js'
import { RegisterFeil, type PersonRegister } from '../sources/ports.js'
import type { Person } from '../domain/person.js'
import { problemer } from './skjema.js'

export interface AuditRuteValg {
  audit: AuditStore
  grupper: Grupper
  instans: string
  /** The chain's key (AUDIT_NOKKEL). */
  nokkel: string
  avvik: AvvikTerskler & { historikkDager: number }
  na: () => number
  /** Resolves the person of an innsyn to all their idents (DESIGN §4). */
  personer: PersonRegister
  /** PDL answers within this, retries included (as for an access decision). */
  tilgangFristMs: number
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
    cursor: z.string().regex(/^\d{1,15}$/).optional(),
    grense: z.number().int().min(1).max(500).default(100),
  })
  .meta({ id: 'AuditSok' })
const SokSvar = z.object({ hendelser: z.array(Hendelse), nesteCursor: z.string().nullable() }).meta({ id: 'AuditSokSvar' })

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
    hash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
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

const INNSYN_MAKS = 10_000
/** Every use is audited, a refusal included. */
const REVISJON = ['UAUTENTISERT', 'AVVIST_IKKE_REVISOR', 'AUDIT_UTILGJENGELIG'] as const

/** An audit query's event's detaljer: the filters used, and how many events and persons the
 *  answer named (DESIGN §6: a search of the log is itself an access to personal data). */
function detaljer(filter: Record<string, unknown>, antallHendelser: number, personer: number): string {
  return JSON.stringify({ filter, antallHendelser, antallPersoner: personer })
}

// A person by their current ident where the event names it: one person under a D-nummer and an fnr is one.
const antallPersoner = (hs: readonly LagretHendelse[]): number => new Set(hs.map((h) => h.gjeldendeIdent ?? h.personident).filter((p) => p !== null)).size
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
  async function alleI(filter: { personidenter?: readonly string[]; fra?: string; til?: string }, maks: number): Promise<LagretHendelse[]> {
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
    schema: {
      operationId: 'sokIRevisjonslogg', summary: 'Søk i revisjonsloggen',
      description: 'Hendelser etter person, NAV-ident og tidsrom, side for side. Søket revisjonslogges selv.', tags: ['revisjon'], body: SokBody,
      response: { 200: SokSvar, ...problemer(...REVISJON) },
    },
  }, async (request) => {
    const { cursor, grense, personident, ...filter } = request.body
    // The ident as typed or as the current one: an event typed by an old ident names the current too.
    const hendelser = await audit.sok({ ...filter, ...(personident ? { personidenter: [personident] } : {}), etterId: cursor ? Number(cursor) : 0, grense: grense + 1 })
    const flere = hendelser.length > grense
    const side = hendelser.slice(0, grense)
    // Committed before the answer leaves, with what was asked and how many persons it names.
    await audit.skriv([hendelse(innlogget(request), request.id, 'AUDIT_SOK', {
      personident: personident ?? null,
      detaljer: detaljer({ ...filter, ...(cursor ? { cursor } : {}), grense }, side.length, antallPersoner(side)),
    })])
    return {
      hendelser: side.map(({ forrigeHash: _f, hash: _h, ...h }) => ({ ...h, gjeldendeIdent: h.gjeldendeIdent ?? null })),
      nesteCursor: flere ? String((side.at(-1) as LagretHendelse).id) : null,
    }
  })

  app.post('/audit/innsyn', {
    config: { handling: 'AUDIT_INNSYN' },
    schema: {
      operationId: 'lagInnsynsrapport',
      description: 'Alle personens identer (fra PDL) tas med. Rapporten revisjonslogges selv.',
      summary: 'Innsynsrapport: hvem har sett hva om én person, når og under hvilken henvendelse',
      tags: ['revisjon'], body: InnsynBody, response: { 200: InnsynSvar, ...problemer(...REVISJON, 'REGISTER_UTILGJENGELIG') },
    },
  }, async (request) => {
    const { personident, fra, til } = request.body
    // Every ident of the person (DESIGN §4): an access by an old D-nummer is theirs too. PDL down
    // is a 503 (a report missing accesses is worse than none); a person PDL does not know (any
    // more) is searched by the ident given.
    let person: Person | null
    try {
      person = await valg.personer.hentPerson(personident, { callId: request.id, signal: AbortSignal.timeout(valg.tilgangFristMs) })
    } catch (e) {
      if (e instanceof RegisterFeil) {
        await audit.skriv([hendelse(innlogget(request), request.id, 'AUDIT_INNSYN', { personident, beslutning: 'Deny', regel: 'REGISTER_UTILGJENGELIG' })])
      }
      throw e
    }
    const identer = person ? [...new Set([personident, ...person.identer])] : [personident]
    const periode = { ...(fra ? { fra } : {}), ...(til ? { til } : {}) }
    const alle = await alleI({ personidenter: identer, ...periode }, INNSYN_MAKS + 1)
    const vist = alle.slice(0, INNSYN_MAKS)
    await audit.skriv([hendelse(innlogget(request), request.id, 'AUDIT_INNSYN', {
      personident, gjeldendeIdent: person?.gjeldendeIdent ?? null, detaljer: detaljer(periode, vist.length, antallPersoner(vist)),
    })])
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
    schema: {
      operationId: 'verifiserRevisjonslogg',
      description: 'Går gjennom hele kjeden og sier hvor den første gang er brutt.',
      summary: 'Verifiser revisjonsloggens hash-kjede, eventuelt mot et kjedehode sendt ut tidligere (CEF audit:kjedehode)',
      tags: ['revisjon'], querystring: VerifiserQuery, response: { 200: Verifisering, ...problemer(...REVISJON, 'UGYLDIG_FORESPORSEL') },
    },
  }, async (request) => {
    const { id, hash } = request.query
    const hode = id !== undefined && hash !== undefined ? { id, hash } : undefined
    await audit.skriv([hendelse(innlogget(request), request.id, 'AUDIT_VERIFISER', hode ? { detaljer: JSON.stringify({ hode }) } : {})])
    return verifiserKjede(audit, { nokkel: valg.nokkel, ...(hode ? { hode } : {}) })
  })

  app.get('/audit/avvik', {
    config: { handling: 'AUDIT_AVVIK' },
    schema: {
      operationId: 'finnAvvik',
      description: 'Høyt volum, oppslag av kolleger, gjentatte avslag og oppslag uten lesing, per NAV-ident.',
      summary: `Mistenkelige tilgangsmønstre i et tidsrom (høyst ${AVVIK_MAKS_DAGER} døgn)`, tags: ['revisjon'], querystring: AvvikQuery,
      response: { 200: AvvikSvar, ...problemer(...REVISJON, 'UGYLDIG_FORESPORSEL', 'UGYLDIG_TIDSROM') },
    },
  }, async (request) => {
    const { fra, til } = request.query
    // Bounded: the database aggregates, but a window of years still scans years of events.
    const lengde = Date.parse(til) - Date.parse(fra)
    if (!(lengde > 0 && lengde <= AVVIK_MAKS_DAGER * 86_400_000)) throw new Problem('UGYLDIG_TIDSROM')
    await audit.skriv([hendelse(innlogget(request), request.id, 'AUDIT_AVVIK', { detaljer: JSON.stringify({ fra, til }) })])
    const { historikkDager, ...terskler } = valg.avvik
    const sporring = { fra, til, historikkDager, terskler, grense: AVVIK_MAKS_RADER }
    return { fra, til, ...settSammen(await audit.avvik(sporring), sporring) }
  })
}
