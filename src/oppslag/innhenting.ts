// Fetches and folds one person's sentrale stønadsopplysninger from every municipality concerned:
// the person's own and every one where Digisos has cases for them, in parallel. A municipality that
// has not switched NKS access on is never asked for anything. Each municipality's fault is its own:
// it is UTILGJENGELIG while the others are shown.
import type { Tillatelse } from '../access/regler.js'
import { erForGammel, foldDigisosSak, tilhorerPerson } from '../domain/digisos/fold.js'
import type { Adresse, Kilde, KildeStatus, Konto, Soknad, Stonadsopplysninger, Tilbakeholdt } from '../domain/model.js'
import { skjermAdresser } from '../domain/redaction.js'
import { fraSoknad, kontoerFraUtbetalinger } from '../domain/soknad.js'
import pLimit from 'p-limit'
import type { Fagsystem, FagsystemData } from '../sources/fagsystem/port.js'
import { BryterApen, erKildesFeil, type Brytere } from '../sources/vern.js'
import { KildeFeil, type DigisosSak, type FiksDigisos, type KallKontekst } from '../sources/ports.js'

/** One lookup's data as fetched, before it is checked and serialized for the cache (./kompakt.ts). */
export interface Innhentet {
  data: Stonadsopplysninger
  tilbakeholdt: Tilbakeholdt
  /** sporingsIds of the upstream calls that produced the data. */
  sporing: string[]
}

export interface InnhentingAvhengigheter {
  fiks: FiksDigisos
  fagsystem: Fagsystem
  sakMaksAlderManeder: number
  /** Total time for one lookup's fetch (DESIGN: answer while the caller is on the phone). */
  fristMs: number
  /** Municipalities asked at once per lookup. */
  maksSamtidigeKommuner: number
  /** A breaker per municipality: one that keeps failing is not asked until it has recovered. */
  brytere?: Brytere
  na: () => number
  /** Counts only; never personal data. */
  statistikk?: (hendelse: 'ukjent_hendelsestype' | 'ugyldig_hendelse', antall: number) => void
}

interface KommuneResultat {
  kilde: Kilde
  soknader: Soknad[]
  kontoer: Konto[]
  adresser: Adresse[]
  fagsystem: FagsystemData | null
}

const erKildeFeil = (e: unknown): e is KildeFeil => e instanceof KildeFeil

export class ManglendeKilder extends Error {
  override name = 'ManglendeKilder'
}

export async function hentStonadsopplysninger(
  t: Tillatelse,
  avh: InnhentingAvhengigheter,
  ctx: KallKontekst,
): Promise<Innhentet> {
  const sporing: string[] = []
  // One deadline for the whole fetch: every call still running then is aborted, and its
  // municipality is UTILGJENGELIG while the rest is returned.
  const frist = AbortSignal.timeout(avh.fristMs)
  const kallCtx: KallKontekst = { ...ctx, sporing, signal: ctx.signal ? AbortSignal.any([ctx.signal, frist]) : frist }

  let saker: DigisosSak[] | null
  try {
    const alle = await avh.fiks.hentSaker(t.personident, kallCtx)
    const na = avh.na()
    saker = alle.filter(
      (s) => tilhorerPerson(s, t.personident) && !erForGammel(s.sistEndret, na, avh.sakMaksAlderManeder),
    )
  } catch (e) {
    if (!erKildeFeil(e)) throw e
    saker = null // the case list is unknown: every municipality below is UTILGJENGELIG
  }

  const kommuner = new Set<string>()
  if (t.kommunenummer) kommuner.add(t.kommunenummer)
  for (const s of saker ?? []) kommuner.add(s.kommunenummer)
  if (kommuner.size === 0 && saker === null) throw new ManglendeKilder('ingen kilde kunne svare')

  const begrens = pLimit(avh.maksSamtidigeKommuner)
  const resultater = await Promise.all(
    [...kommuner].sort().map((k) =>
      begrens(() => hentKommune(k, saker === null ? null : saker.filter((s) => s.kommunenummer === k), t, avh, kallCtx)),
    ),
  )

  const data: Stonadsopplysninger = {
    kilder: resultater.map((r) => r.kilde),
    konto: { kontoer: unikeKontoer(resultater.flatMap((r) => [...r.kontoer, ...(r.fagsystem?.kontoer ?? [])])) },
    adresse: { adresser: resultater.flatMap((r) => [...r.adresser, ...(r.fagsystem?.adresser ?? [])]) },
    'okonomisk-sosialhjelp': {
      soknader: resultater.flatMap((r) => r.soknader).sort((a, b) => b.sistEndret.localeCompare(a.sistEndret)),
    },
    kvalifiseringsprogram: { programmer: resultater.flatMap((r) => r.fagsystem?.kvalifiseringsprogram ?? []) },
    'midlertidig-bolig': { opphold: resultater.flatMap((r) => r.fagsystem?.midlertidigBolig ?? []) },
  }
  // Redaction happens before anything is cached or returned.
  const skjermet = skjermAdresser(data, t.gradering)
  return { data: skjermet.data, tilbakeholdt: skjermet.tilbakeholdt, sporing }
}

function kildeStatus(info: Awaited<ReturnType<FiksDigisos['hentKommuneInfo']>>): KildeStatus {
  if (info === null || !info.harNksTilgang) return 'IKKE_AKTIVERT'
  if (info.harMidlertidigDeaktivertOppdateringer || info.harMidlertidigDeaktivertMottak) return 'MIDLERTIDIG_DEAKTIVERT'
  return 'OK'
}

async function hentKommune(
  kommunenummer: string,
  saker: DigisosSak[] | null,
  t: Tillatelse,
  avh: InnhentingAvhengigheter,
  ctx: KallKontekst,
): Promise<KommuneResultat> {
  const tom = (status: KildeStatus): KommuneResultat => ({
    kilde: { kommunenummer, status },
    soknader: [],
    kontoer: [],
    adresser: [],
    fagsystem: null,
  })
  const hent = async (): Promise<KommuneResultat> => {
    const status = kildeStatus(await avh.fiks.hentKommuneInfo(kommunenummer, ctx))
    // Not activated or temporarily deactivated: nothing is fetched from that municipality.
    if (status !== 'OK') return tom(status)
    if (saker === null) return tom('UTILGJENGELIG')
    const [soknader, fagsystem] = await Promise.all([
      Promise.all(saker.map((s) => hentSak(s, t.personident, avh, ctx))),
      avh.fagsystem.hent(kommunenummer, t.personident, ctx),
    ])
    return {
      kilde: { kommunenummer, status: 'OK' },
      soknader: soknader.map((s) => s.soknad),
      kontoer: soknader.flatMap((s) => s.kontoer),
      adresser: soknader.flatMap((s) => s.adresser),
      fagsystem,
    }
  }
  const start = performance.now()
  // Cut by the lookup's deadline counts against the municipality only if it had at least half of
  // it: a slow case list before it is not the municipality's fault.
  const feilet = (e: Error) => erKildesFeil(e) && (!ctx.signal?.aborted || performance.now() - start >= avh.fristMs / 2)
  try {
    return await (avh.brytere ? avh.brytere.kjor('kommune', kommunenummer, feilet, hent) : hent())
  } catch (e) {
    // An open breaker: the municipality is not asked, and is UTILGJENGELIG at once.
    if (erKildeFeil(e) || e instanceof BryterApen) return tom('UTILGJENGELIG')
    throw e
  }
}

async function hentSak(sak: DigisosSak, personident: string, avh: InnhentingAvhengigheter, ctx: KallKontekst) {
  const soknadId = sak.originalSoknadNAV?.metadata ?? null
  const sokerId = sak.digisosSoker?.metadata ?? null
  const [soknadJson, digisosSoker] = await Promise.all([
    soknadId ? avh.fiks.hentDokument(sak.fiksDigisosId, soknadId, ctx) : Promise.resolve(null),
    sokerId ? avh.fiks.hentDokument(sak.fiksDigisosId, sokerId, ctx) : Promise.resolve(null),
  ])
  const { soknad, statistikk } = foldDigisosSak(sak, digisosSoker, soknadJson)
  if (statistikk.ukjentType > 0) avh.statistikk?.('ukjent_hendelsestype', statistikk.ukjentType)
  if (statistikk.ugyldige > 0) avh.statistikk?.('ugyldig_hendelse', statistikk.ugyldige)
  const opphav = { kommunenummer: sak.kommunenummer, system: 'DIGISOS' as const, fiksDigisosId: sak.fiksDigisosId }
  const fraDokumentet = fraSoknad(soknadJson, personident, opphav, soknad.sendt)
  return {
    soknad,
    kontoer: [...fraDokumentet.kontoer, ...kontoerFraUtbetalinger(soknad.utbetalinger, opphav)],
    adresser: fraDokumentet.adresser,
  }
}

/** One entry per account number, the most recently used winning; newest first, undated last. */
function unikeKontoer(kontoer: Konto[]): Konto[] {
  const per = new Map<string, Konto>()
  for (const k of kontoer) {
    const forrige = per.get(k.kontonummer)
    if (!forrige || (k.sistBrukt ?? '') > (forrige.sistBrukt ?? '')) per.set(k.kontonummer, k)
  }
  return [...per.values()].sort((a, b) => (b.sistBrukt ?? '').localeCompare(a.sistBrukt ?? ''))
}
