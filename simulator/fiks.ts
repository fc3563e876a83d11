// Simulated FIKS: the Digisos NAV read API (as KS documents it) and our own fagsystem protocol over
// the Fiks IO-like exchange (src/sources/fagsystem/protocol.ts).
import { createHash, randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import {
  FIKS_IO_STI,
  Foresporsel,
  MELDING_FEIL,
  MELDING_SVAR,
  PROTOKOLL_VERSJON,
  type Feilsvar,
  type Svar,
} from '../src/sources/fagsystem/protocol.js'
import type { DatasettSak } from './dataset.js'
import { utforFeil, type Upstream } from './feil.js'
import { gyldigToken, type SimulatorKontekst } from './kontekst.js'

export const FIKS_PREFIKS = '/fiks'

/** KS's error body. `path` is the path as Fiks sees it (without the simulator's prefix). */
function fiksFeilkropp(request: FastifyRequest, status: number, message: string, errorCode: string | null = null) {
  const path = (request.url.split('?')[0] ?? '').replace(FIKS_PREFIKS, '')
  return {
    timestamp: Date.now(),
    status,
    error: STATUS_CODES[status] ?? 'Error',
    errorId: randomUUID(),
    path,
    originalPath: null,
    message,
    errorCode,
    errorJson: null,
  }
}

const ms = (iso: string) => Date.parse(iso)

/** KS's KommuneInfo carries the municipality's contact persons' e-mail addresses: personal data
 *  the service must never pass on. Synthetic, on a reserved domain. */
const kontaktpersoner = (knr: string) => ({
  fagansvarligEpost: [`fagansvarlig.${knr}@kommune.invalid`],
  tekniskAnsvarligEpost: [`teknisk.${knr}@kommune.invalid`],
})

/** A stable UUID-shaped id derived from another (the simulator stores no PDFs to give ids to). */
function avledetId(fra: string, navn: string): string {
  const h = createHash('sha256').update(`${fra}/${navn}`).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

function somDigisosSak(s: DatasettSak, fiksOrgId: string | null) {
  return {
    fiksDigisosId: s.fiksDigisosId,
    sokerFnr: s.sokerFnr,
    fiksOrgId,
    kommunenummer: s.kommunenummer,
    sistEndret: ms(s.sistEndret),
    originalSoknadNAV: s.soknad
      ? {
          navEksternRefId: s.navEksternRefId,
          metadata: s.soknad.dokumentlagerId,
          // What Fiks fills for an application sent from nav.no: the vedlegg.json and the PDF.
          vedleggMetadata: avledetId(s.soknad.dokumentlagerId, 'vedlegg.json'),
          soknadDokument: {
            filnavn: 'Soknad.pdf',
            dokumentlagerDokumentId: avledetId(s.soknad.dokumentlagerId, 'Soknad.pdf'),
            storrelse: 48_213,
          },
          vedlegg: [],
          timestampSendt: ms(s.soknad.timestampSendt),
        }
      : null,
    // Null only when the municipality created the case by hand (a paper application).
    ettersendtInfoNAV: s.soknad ? { ettersendelser: [] } : null,
    digisosSoker: s.digisosSoker
      ? {
          metadata: s.digisosSoker.dokumentlagerId,
          dokumenter: [],
          timestampSistOppdatert: ms(s.digisosSoker.timestampSistOppdatert),
        }
      : null,
    tilleggsinformasjon: { enhetsnummer: s.enhetsnummer },
    ...s.paLedningen,
  }
}

export function registrerFiks(app: FastifyInstance, ctx: SimulatorKontekst): void {
  const { indeks, tilstand, opts } = ctx

  /**
   * What every Fiks call goes through: counted, its sporingsId recorded, the fault applied, then
   * the required query parameter and headers checked. Returns true when the call has been answered.
   */
  async function fiksInngang(request: FastifyRequest, reply: FastifyReply, upstream: Upstream, kommunenummer?: string) {
    // KS requires sporingsId on the case and document reads only, not on KommuneInfo or the list
    // of municipalities (ks-no.github.io static/api/digisos-api-v1.json): the service still sends one.
    const kreverSporingsId = upstream !== 'fiks-kommuneinfo' && upstream !== 'fiks-kommuner'
    tilstand.registrer(upstream, kommunenummer)
    const sporingsId = (request.query as Record<string, unknown>)['sporingsId']
    if (typeof sporingsId === 'string' && sporingsId.length > 0) tilstand.registrerSporingsId(sporingsId)
    const feilkropp = (status: number) => fiksFeilkropp(request, status, 'Simulert feil')
    if (await utforFeil(tilstand.feilFor(upstream, kommunenummer), request, reply, feilkropp)) return true
    if (kreverSporingsId && (typeof sporingsId !== 'string' || sporingsId.length === 0)) {
      await reply
        .code(400)
        .send(fiksFeilkropp(request, 400, 'Mangler query-parameteren sporingsId', 'MANGLER_SPORINGSID'))
      return true
    }
    if (!gyldigToken(ctx, request, 'maskinporten')) {
      await reply.code(401).send(fiksFeilkropp(request, 401, 'Mangler eller ugyldig Maskinporten-token'))
      return true
    }
    const id = request.headers['integrasjonid']
    const passord = request.headers['integrasjonpassord']
    if (id !== opts.integrasjon.id || passord !== opts.integrasjon.passord) {
      await reply
        .code(401)
        .send(fiksFeilkropp(request, 401, 'Ukjent integrasjon eller feil passord', 'UGYLDIG_INTEGRASJON'))
      return true
    }
    return false
  }

  app.register(
    async (fiks) => {
      // Fastify's own errors (bad JSON and the like) in Fiks's shape too.
      fiks.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
        const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500
        return reply.code(status).send(fiksFeilkropp(request, status, status === 500 ? 'Intern feil' : error.message))
      })

      fiks.post('/digisos/api/v1/nav/soknader/soknader', async (request, reply) => {
        if (await fiksInngang(request, reply, 'fiks-soknader')) return reply
        const tolket = z.object({ fnr: z.string().regex(/^\d{11}$/) }).safeParse(request.body)
        if (!tolket.success) return reply.code(400).send(fiksFeilkropp(request, 400, 'Forventet { fnr } med 11 sifre'))
        if (indeks.fiksAvviser.has(tolket.data.fnr)) {
          return reply.code(400).send(fiksFeilkropp(request, 400, 'Kan ikke søke på denne identen', 'UGYLDIG_IDENT'))
        }
        const saker = indeks.sakerFor.get(tolket.data.fnr) ?? []
        return reply
          .code(200)
          .send(saker.map((s) => somDigisosSak(s, indeks.kommune.get(s.kommunenummer)?.fiksOrgId ?? null)))
      })

      fiks.get<{ Params: { digisosId: string; dokumentlagerId: string } }>(
        '/digisos/api/v1/nav/soknader/:digisosId/dokumenter/:dokumentlagerId',
        async (request, reply) => {
          const sak = indeks.sak.get(request.params.digisosId)
          if (await fiksInngang(request, reply, 'fiks-dokument', sak?.kommunenummer)) return reply
          if (!sak) return reply.code(404).send(fiksFeilkropp(request, 404, 'Fant ikke digisos-saken'))
          const id = request.params.dokumentlagerId
          const dokument =
            sak.soknad?.dokumentlagerId === id
              ? sak.soknad.dokument
              : sak.digisosSoker?.dokumentlagerId === id
                ? sak.digisosSoker.dokument
                : null
          if (!dokument) return reply.code(404).send(fiksFeilkropp(request, 404, 'Fant ikke dokumentet'))
          return reply.code(200).send(dokument)
        },
      )

      fiks.get<{ Params: { kommunenummer: string } }>(
        '/digisos/api/v1/nav/kommuner/:kommunenummer',
        async (request, reply) => {
          const knr = request.params.kommunenummer
          if (await fiksInngang(request, reply, 'fiks-kommuneinfo', knr)) return reply
          const kommune = indeks.kommune.get(knr)
          if (!kommune?.kommuneInfo) {
            return reply
              .code(404)
              .send(fiksFeilkropp(request, 404, `Kommune ${knr} er ikke konfigurert`, 'KOMMUNE_IKKE_KONFIGURERT'))
          }
          return reply
            .code(200)
            .send({ kommunenummer: knr, ...kommune.kommuneInfo, kontaktpersoner: kontaktpersoner(knr) })
        },
      )

      // Every configured municipality. KS documents no sporingsId on this path: it is not demanded.
      fiks.get('/digisos/api/v1/nav/kommuner', async (request, reply) => {
        if (await fiksInngang(request, reply, 'fiks-kommuner')) return reply
        const alle = [...indeks.kommune.values()].flatMap((k) =>
          k.kommuneInfo
            ? [{ kommunenummer: k.kommunenummer, ...k.kommuneInfo, kontaktpersoner: kontaktpersoner(k.kommunenummer) }]
            : [],
        )
        return reply.code(200).send(alle)
      })
    },
    { prefix: FIKS_PREFIKS },
  )

  // ── fagsystem exchange (our protocol v1) ───────────────────────────────────
  app.post(FIKS_IO_STI, async (request, reply) => {
    const ubehandlet = request.body as { mottaker?: { kommunenummer?: unknown }; meldingId?: unknown } | null
    const knr = typeof ubehandlet?.mottaker?.kommunenummer === 'string' ? ubehandlet.mottaker.kommunenummer : undefined
    tilstand.registrer('fiks-io', knr)
    // The request's sporingsId is a Fiks sporingsId like the others: the audit names it.
    const sporingsId = (ubehandlet as { sporingsId?: unknown } | null)?.sporingsId
    if (typeof sporingsId === 'string' && sporingsId.length > 0) tilstand.registrerSporingsId(sporingsId)
    const enkelFeil = (status: number) => ({ error: STATUS_CODES[status] ?? 'Error', message: 'Simulert feil' })
    if (await utforFeil(tilstand.feilFor('fiks-io', knr), request, reply, enkelFeil)) return reply
    if (!gyldigToken(ctx, request, 'maskinporten')) {
      return reply.code(401).send({ error: 'Unauthorized', message: 'Mangler eller ugyldig Maskinporten-token' })
    }
    const tolket = Foresporsel.safeParse(request.body)
    if (!tolket.success) {
      const feilsvar: Feilsvar = {
        versjon: PROTOKOLL_VERSJON,
        meldingType: MELDING_FEIL,
        meldingId: randomUUID(),
        svarPaMelding: typeof ubehandlet?.meldingId === 'string' ? ubehandlet.meldingId : '',
        kode: 'UGYLDIG_FORESPORSEL',
        melding: tolket.error.issues.map((i) => `${i.path.join('.') || '(roten)'}: ${i.message}`).join('; '),
      }
      return reply.code(400).send(feilsvar)
    }
    const f = tolket.data
    const kommune = indeks.kommune.get(f.mottaker.kommunenummer)
    if (!kommune?.fagsystem) {
      return reply
        .code(404)
        .send({ error: 'Not Found', message: `Ingen fagsystem er koblet til for kommune ${f.mottaker.kommunenummer}` })
    }
    const data = indeks.person.get(f.data.personident)?.fagsystem[kommune.kommunenummer]
    if (data === undefined) {
      const ukjent: Feilsvar = {
        versjon: PROTOKOLL_VERSJON,
        meldingType: MELDING_FEIL,
        meldingId: randomUUID(),
        svarPaMelding: f.meldingId,
        kode: 'PERSON_UKJENT',
        melding: 'Fagsystemet har ingen klient med denne personidenten',
      }
      return reply.code(200).send(ukjent)
    }
    const svar: Svar = {
      versjon: PROTOKOLL_VERSJON,
      meldingType: MELDING_SVAR,
      meldingId: randomUUID(),
      svarPaMelding: f.meldingId,
      avsender: {
        kommunenummer: kommune.kommunenummer,
        fagsystem: kommune.fagsystem.navn,
        dialekt: kommune.fagsystem.dialekt,
      },
      data,
    }
    return reply.code(200).send(svar)
  })
}
