// Fiks Digisos NAV read API (KS). Every call carries a fresh `sporingsId`, a Maskinporten token for
// scope ks:fiks and the integration's id and password. Faults become KildeFeil: the municipality's
// Digisos (or, for one document, that case) is then UTILGJENGELIG while the rest is still shown.
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { liste } from '../domain/liste.js'
import { navnEllerNull } from '../domain/tekst.js'
import { somKildeFeil, type HttpKlient, type HttpSvar, type Kall } from './http.js'
import { KildeFeil, type FiksDigisos, type KallKontekst, type TokenKilde } from './ports.js'
import type { DigisosSak, KommuneInfo } from '../domain/digisos/sak.js'

export const FIKS_SCOPE = 'ks:fiks'

/** One municipality's KommuneInfo is a dozen fields. */
const MAKS_KOMMUNEINFO_BYTES = 16 * 1024
/** Every municipality's: some 360 of them, well under 1 kB each (contact e-mails included). */
const MAKS_KOMMUNELISTE_BYTES = 1024 * 1024
/** soknad.json or digisos-soker.json: tens of kB; a long case's event log some hundreds. */
const MAKS_DOKUMENT_BYTES = 2 * 1024 * 1024
/** One person's cases since Digisos began are some tens; a longer list is a fault. */
export const MAKS_SAKER_I_SVAR = 1000
/** Norway has some 360 municipalities. */
const MAKS_KOMMUNER = 1000

const DigisosSakSkjema = z.object({
  fiksDigisosId: z.string().min(1),
  sokerFnr: z.string(),
  fiksOrgId: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  kommunenummer: z.string().regex(/^\d{4}$/),
  sistEndret: z.number(),
  originalSoknadNAV: z
    .object({
      navEksternRefId: z
        .string()
        .nullish()
        .transform((v) => v ?? null),
      timestampSendt: z
        .number()
        .nullish()
        .transform((v) => v ?? null),
      metadata: z
        .string()
        .nullish()
        .transform((v) => v ?? null),
    })
    .nullish()
    .transform((v) => v ?? null),
  digisosSoker: z
    .object({
      metadata: z
        .string()
        .nullish()
        .transform((v) => v ?? null),
      timestampSistOppdatert: z
        .number()
        .nullish()
        .transform((v) => v ?? null),
    })
    .nullish()
    .transform((v) => v ?? null),
  tilleggsinformasjon: z
    .object({
      enhetsnummer: z
        .string()
        .nullish()
        .transform((v) => v ?? null),
    })
    .nullish()
    .transform((v) => v ?? null),
})

const KommuneInfoSkjema = z.object({
  kommunenummer: z.string().regex(/^\d{4}$/),
  kanMottaSoknader: z.boolean(),
  kanOppdatereStatus: z.boolean(),
  harMidlertidigDeaktivertMottak: z.boolean(),
  harMidlertidigDeaktivertOppdateringer: z.boolean(),
  harNksTilgang: z.boolean(),
  behandlingsansvarlig: z.string().nullish().transform(navnEllerNull),
})

/** A 4xx that refuses this one request (an ident Fiks will not search by, a document gone or not
 *  ours): a fact about the request, not a sign that Fiks is down. 401 (our token or integration
 *  refused), 408 and 429 are about every request alike, so they are faults of the source. */
const erAvvisning = (status: number): boolean =>
  status >= 400 && status < 500 && status !== 401 && status !== 408 && status !== 429

export class FiksDigisosKlient implements FiksDigisos {
  constructor(
    private readonly http: HttpKlient,
    private readonly tokens: TokenKilde,
    private readonly integrasjon: { id: string; passord: string },
  ) {}

  private async kall(k: Omit<Kall, 'query' | 'headers'>, ctx: KallKontekst): Promise<HttpSvar> {
    try {
      const token = await this.tokens.token('maskinporten', FIKS_SCOPE, ctx)
      return await this.http.kall({
        ...k,
        idempotent: true,
        konto: ctx.konto,
        // A fresh sporingsId for every attempt, each one reported for the audit event.
        query: () => {
          const sporingsId = randomUUID()
          ctx.sporing?.push(sporingsId)
          return { sporingsId }
        },
        headers: {
          authorization: `Bearer ${token}`,
          integrasjonid: this.integrasjon.id,
          integrasjonpassord: this.integrasjon.passord,
          'nav-call-id': ctx.callId,
        },
        signal: ctx.signal,
      })
    } catch (e) {
      throw somKildeFeil('fiks', e)
    }
  }

  async hentSaker(personident: string, ctx: KallKontekst): Promise<DigisosSak[]> {
    const svar = await this.kall(
      { method: 'POST', path: 'digisos/api/v1/nav/soknader/soknader', body: { fnr: personident } },
      ctx,
    )
    // Refused for this ident (e.g. an old D-nummer): the person's other idents are still searched.
    if (erAvvisning(svar.status)) throw new KildeFeil('fiks', 'AVVIST', `fiks soknader: status ${svar.status}`)
    if (svar.status !== 200) throw new KildeFeil('fiks', 'UTILGJENGELIG', `fiks soknader: status ${svar.status}`)
    const tolket = liste(DigisosSakSkjema, MAKS_SAKER_I_SVAR).safeParse(svar.data)
    if (!tolket.success) throw new KildeFeil('fiks', 'UGYLDIG_SVAR', 'fiks soknader: uventet svarformat')
    return tolket.data
  }

  async hentDokument(fiksDigisosId: string, dokumentlagerId: string, ctx: KallKontekst): Promise<unknown> {
    const sti = `digisos/api/v1/nav/soknader/${encodeURIComponent(fiksDigisosId)}/dokumenter/${encodeURIComponent(dokumentlagerId)}`
    const svar = await this.kall({ method: 'GET', path: sti, maksBytes: MAKS_DOKUMENT_BYTES }, ctx).catch(
      (e: unknown) => {
        // A 200 whose body is not JSON, or over the bound: what the store holds for this one document
        // (KS gives that answer no schema), the same on every lookup. Not a sign that Fiks is down.
        if (e instanceof KildeFeil && e.arsak === 'UGYLDIG_SVAR')
          throw new KildeFeil('fiks', 'AVVIST', 'fiks dokument: ikke lesbart', e)
        throw e
      },
    )
    // A 4xx refuses this one document (gone, or not ours to read): it fails its own case only and
    // says nothing of whether the municipality's Fiks is up.
    if (erAvvisning(svar.status)) throw new KildeFeil('fiks', 'AVVIST', `fiks dokument: status ${svar.status}`)
    if (svar.status !== 200 || svar.data === undefined) {
      throw new KildeFeil('fiks', 'UTILGJENGELIG', `fiks dokument: status ${svar.status}`)
    }
    return svar.data
  }

  async hentKommuneInfo(kommunenummer: string, ctx: KallKontekst): Promise<KommuneInfo | null> {
    const svar = await this.kall(
      {
        method: 'GET',
        path: `digisos/api/v1/nav/kommuner/${encodeURIComponent(kommunenummer)}`,
        maksBytes: MAKS_KOMMUNEINFO_BYTES,
      },
      ctx,
    )
    if (svar.status === 404) return null
    if (svar.status !== 200) throw new KildeFeil('fiks', 'UTILGJENGELIG', `fiks kommuneinfo: status ${svar.status}`)
    const tolket = KommuneInfoSkjema.safeParse(svar.data)
    if (!tolket.success || tolket.data.kommunenummer !== kommunenummer) {
      throw new KildeFeil('fiks', 'UGYLDIG_SVAR', 'fiks kommuneinfo: uventet svarformat')
    }
    return tolket.data
  }

  async hentAlleKommuneInfo(ctx: KallKontekst): Promise<KommuneInfo[]> {
    const svar = await this.kall(
      { method: 'GET', path: 'digisos/api/v1/nav/kommuner', maksBytes: MAKS_KOMMUNELISTE_BYTES },
      ctx,
    )
    if (svar.status !== 200) throw new KildeFeil('fiks', 'UTILGJENGELIG', `fiks kommuner: status ${svar.status}`)
    // The whole list or nothing: a list with holes would tell the agent a municipality is not on.
    const tolket = liste(KommuneInfoSkjema, MAKS_KOMMUNER).safeParse(svar.data)
    if (!tolket.success) throw new KildeFeil('fiks', 'UGYLDIG_SVAR', 'fiks kommuner: uventet svarformat')
    return tolket.data
  }
}
