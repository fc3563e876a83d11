// Fetches and folds one person's sentrale stønadsopplysninger from every municipality concerned:
// the person's own and every one where Digisos has cases for them, in parallel. A municipality that
// has not switched NKS access on is never asked for anything and leaves no trace in the answer.
// Each municipality has two sources, Fiks Digisos and its fagsystem, each with its own status and
// breaker: one that fails never hides the other's data, nor another municipality's. A document
// that cannot be read, or a malformed case or fagsystem item, degrades only itself: the rest is
// shown and that source is UTILGJENGELIG (not complete), never a failed lookup. The NKS gate is
// KommuneInfo, or Fiks's list of every municipality when that cannot be read or answers 404. A
// municipality the case list names whose NKS access cannot be settled is never named: its kilde is
// unnumbered, as is the one that says the case list itself is not complete.
import type { Tillatelse } from '../access/regler.js'
import { aldersgrense, erEldreEnn, nyeOpphold, nyeProgrammer } from '../domain/alder.js'
import { foldDigisosSak, tilhorerPerson } from '../domain/digisos/fold.js'
import {
  Adresse,
  Konto,
  Kvalifiseringsprogram,
  MidlertidigBolig,
  Soknad,
  type Kilde,
  type KildeStatus,
  type KildeSystem,
  type Stonadsopplysninger,
  type Tilbakeholdt,
} from '../domain/model.js'
import { skjermForGradering } from '../domain/redaction.js'
import { fraSoknad, kontoerFraUtbetalinger } from '../domain/soknad.js'
import pLimit from 'p-limit'
import type { z } from 'zod'
import type { Fagsystem, FagsystemData } from '../sources/fagsystem/port.js'
import type { SvarBudsjett } from '../sources/http.js'
import type { KommunelisteCache } from '../sources/kommuneliste.js'
import { BryterApen, erKildesFeil, type Brytere } from '../sources/vern.js'
import { KildeFeil, type FiksDigisos, type KallKontekst } from '../sources/ports.js'
import type { DigisosSak, KommuneInfo } from '../domain/digisos/sak.js'

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
  /** Digisos cases fetched per lookup, the newest; more make their municipality incomplete. */
  maksSaker: number
  /** Fiks documents fetched at once per lookup. */
  maksSamtidigeDokumenter: number
  /** A breaker per municipality: one that keeps failing is not asked until it has recovered. */
  brytere?: Brytere
  /** What upstream answers may hold in memory: the fetch's answers are held until it is done. */
  budsjett?: SvarBudsjett
  /** Fiks's list of every municipality's KommuneInfo (cached): the NKS gate when a municipality's
   *  own KommuneInfo cannot be read, or its Fiks breaker is open. */
  kommuneliste?: Pick<KommunelisteCache, 'hent' | 'fersk'>
  na: () => number
  /** Counts only; never personal data. */
  statistikk?: (hendelse: Overhoppet, antall: number) => void
}

/** What was skipped: Digisos events, whole cases, fagsystem items that break the model. */
export type Overhoppet = 'ukjent_hendelsestype' | 'ugyldig_hendelse' | 'ugyldig_sak' | 'ugyldig_fagsystemdata'

/** One municipality's data, each item checked against the model and recent enough to show. */
interface KommuneResultat {
  /** DIGISOS and FAGSYSTEM, in that order. */
  kilder: Kilde[]
  soknader: Soknad[]
  kontoer: Konto[]
  adresser: Adresse[]
  programmer: Kvalifiseringsprogram[]
  opphold: MidlertidigBolig[]
}

const erKildeFeil = (e: unknown): e is KildeFeil => e instanceof KildeFeil

/** Sources that may hold the person's data but cannot be named: a municipality the case list names
 *  whose NKS access is unknown (naming it would disclose a municipality that may not have agreed to
 *  share), or the case list itself, not complete. The agent must not read "no cases" into them. */
const unummerert = (system: KildeSystem): Kilde => ({
  kommunenummer: null,
  system,
  status: 'UTILGJENGELIG',
  behandlingsansvarlig: null,
})

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
  const konto = avh.budsjett?.konto()
  const kallCtx: KallKontekst = {
    ...ctx,
    sporing,
    signal: ctx.signal ? AbortSignal.any([ctx.signal, frist]) : frist,
    ...(konto ? { konto } : {}),
  }
  // The documents of every case share one limit: a long case list queues, it does not fan out.
  const dokumenter = pLimit(avh.maksSamtidigeDokumenter)
  const fiks = avh.fiks
  const begrenset: FiksDigisos = {
    hentSaker: (i, c) => fiks.hentSaker(i, c),
    hentDokument: (id, dok, c) => dokumenter(() => fiks.hentDokument(id, dok, c)),
    hentKommuneInfo: (k, c) => fiks.hentKommuneInfo(k, c),
    hentAlleKommuneInfo: (c) => fiks.hentAlleKommuneInfo(c),
  }
  try {
    return await hentAlt(t, { ...avh, fiks: begrenset }, kallCtx, sporing)
  } finally {
    // The parsed answers are garbage once the fetch is folded: their memory is free for others.
    konto?.frigi()
  }
}

async function hentAlt(
  t: Tillatelse,
  avh: InnhentingAvhengigheter,
  kallCtx: KallKontekst,
  sporing: string[],
): Promise<Innhentet> {
  let saker: DigisosSak[] | null
  const na = avh.na()
  const grense = aldersgrense(na, avh.sakMaksAlderManeder)
  // Municipalities with cases beyond maksSaker: their Digisos is not complete.
  const utelatt = new Set<string>()
  const kommuner = new Set<string>()
  if (t.kommunenummer) kommuner.add(t.kommunenummer)
  /** True when the person has cases Fiks would not list (one ident refused): Digisos not complete. */
  let sakerUtelatt = false
  try {
    const { saker: alle, avvist } = await hentSakerForIdentene(t, avh, kallCtx)
    sakerUtelatt = avvist
    const identer = personensIdenter(t)
    const personens = alle
      .filter((s) => tilhorerPerson(s, identer) && !erEldreEnn(grense, s.sistEndret))
      .sort((a, b) => b.sistEndret - a.sistEndret)
    for (const s of personens) kommuner.add(s.kommunenummer)
    for (const s of personens.slice(avh.maksSaker)) utelatt.add(s.kommunenummer)
    saker = personens.slice(0, avh.maksSaker)
  } catch (e) {
    if (!erKildeFeil(e)) throw e
    saker = null // the case list is unknown: every municipality's Digisos is UTILGJENGELIG; fagsystems are still asked
  }
  if (kommuner.size === 0 && saker === null) throw new ManglendeKilder('ingen kilde kunne svare')

  const begrens = pLimit(avh.maksSamtidigeKommuner)
  const resultater = await Promise.all(
    [...kommuner]
      .sort()
      .map((k) =>
        begrens(() =>
          hentKommune(k, saker === null ? null : saker.filter((s) => s.kommunenummer === k), t, grense, avh, kallCtx),
        ),
      ),
  )

  // A municipality without NKS access leaves no trace (DESIGN §4, KS's KommuneInfo.harNksTilgang).
  const svar = resultater.filter((r) => r !== null)
  const nummererte = svar
    .flatMap((r) => r.kilder)
    .map((k) =>
      k.system === 'DIGISOS' && k.kommunenummer !== null && utelatt.has(k.kommunenummer)
        ? { ...k, status: 'UTILGJENGELIG' as const }
        : k,
    )
  // The case list unknown or not complete: cases may exist anywhere, also where nothing is named.
  // Each unnumbered kilde once: how many municipalities stand behind it is not disclosed either.
  const unummererte = [
    ...nummererte.filter((k) => k.kommunenummer === null),
    ...(saker === null || sakerUtelatt ? [unummerert('DIGISOS')] : []),
  ]
  const data: Stonadsopplysninger = {
    kilder: [
      ...nummererte.filter((k) => k.kommunenummer !== null),
      ...(['DIGISOS', 'FAGSYSTEM'] as const).flatMap((system) =>
        unummererte.some((k) => k.system === system) ? [unummerert(system)] : [],
      ),
    ],
    konto: { kontoer: unikeKontoer(svar.flatMap((r) => r.kontoer)) },
    adresse: { adresser: svar.flatMap((r) => r.adresser) },
    'okonomisk-sosialhjelp': {
      soknader: svar.flatMap((r) => r.soknader).sort((a, b) => b.sistEndret.localeCompare(a.sistEndret)),
    },
    kvalifiseringsprogram: { programmer: svar.flatMap((r) => r.programmer) },
    'midlertidig-bolig': { opphold: svar.flatMap((r) => r.opphold) },
  }
  // Redaction happens before anything is cached or returned.
  const skjermet = skjermForGradering(data, t.gradering)
  return { data: skjermet.data, tilbakeholdt: skjermet.tilbakeholdt, sporing }
}

/** What KommuneInfo says of the municipality's Digisos data (KS's Digisos API, KommuneInfo; DESIGN
 *  §5). Only harNksTilgang gates (DESIGN §4); the two pause flags pause the citizen-facing flow, so
 *  what Fiks holds is shown but may be stale. */
function digisosStatus(info: KommuneInfo): KildeStatus {
  return info.harMidlertidigDeaktivertOppdateringer || info.harMidlertidigDeaktivertMottak
    ? 'MIDLERTIDIG_DEAKTIVERT'
    : 'OK'
}

/** The permit's idents; a permit made without them (never by the rules) covers the typed ident only. */
function personensIdenter(t: Tillatelse): readonly string[] {
  return (t.identer as readonly string[] | undefined)?.length ? t.identer : [t.personident]
}

/** The fagsystem is asked by the current ident: its client record follows the register, and an
 *  answer about any other ident than the one asked is refused (fiks-io.ts). */
function gjeldendeIdent(t: Tillatelse): string {
  return (t.gjeldendeIdent as string | undefined) ?? t.personident
}

/** The person's cases under every ident of theirs (a case filed under an old D-nummer is theirs
 *  too), one Fiks call per ident, in parallel, each case once (by fiksDigisosId). An ident Fiks
 *  refuses (a 4xx, AVVIST: e.g. an old D-nummer) is skipped and makes the list not complete; the
 *  other idents' cases are still shown. Any other fault, or every ident refused, leaves the list
 *  unknown. */
async function hentSakerForIdentene(
  t: Tillatelse,
  avh: InnhentingAvhengigheter,
  ctx: KallKontekst,
): Promise<{ saker: DigisosSak[]; avvist: boolean }> {
  const identer = personensIdenter(t)
  const lister = await Promise.all(
    identer.map(async (i) => {
      try {
        return await avh.fiks.hentSaker(i, ctx)
      } catch (e) {
        if (erKildeFeil(e) && e.arsak === 'AVVIST') return e
        throw e
      }
    }),
  )
  const avviste = lister.filter((l) => l instanceof KildeFeil)
  if (avviste.length === lister.length) throw avviste[0]
  const unike = new Map<string, DigisosSak>()
  for (const l of lister) {
    if (l instanceof KildeFeil) continue
    for (const s of l) if (!unike.has(s.fiksDigisosId)) unike.set(s.fiksDigisosId, s)
  }
  return { saker: [...unike.values()], avvist: avviste.length > 0 }
}

/** A breaker run that holds a partial result: the run counts as a failure, the result is kept. */
class MedDelresultat<T> extends Error {
  constructor(
    readonly verdi: T,
    readonly feil: Error,
  ) {
    super(feil.message)
  }
}

/** One municipality's sources, each with its own status. null: the municipality has not switched
 *  NKS access on (or is not configured in Fiks) and leaves no trace in the answer. */
async function hentKommune(
  kommunenummer: string,
  saker: DigisosSak[] | null,
  t: Tillatelse,
  grenseMs: number,
  avh: InnhentingAvhengigheter,
  ctx: KallKontekst,
): Promise<KommuneResultat | null> {
  const start = performance.now()
  // Cut by the lookup's deadline counts against the municipality only if it had at least half of
  // it: a slow case list before it is not the municipality's fault.
  const teller = (e: Error) => erKildesFeil(e) && (!ctx.signal?.aborted || performance.now() - start >= avh.fristMs / 2)
  /** Runs `kall` behind the municipality's breaker for that source. A run with a fault the breaker
   *  counts is one failure, whatever part of its result it still returns. */
  const bak = async <T>(
    bryter: 'kommune' | 'fagsystem',
    kall: () => Promise<{ verdi: T; feil: Error | null }>,
  ): Promise<T> => {
    const kjor = async () => {
      const r = await kall()
      if (r.feil && teller(r.feil)) throw new MedDelresultat(r.verdi, r.feil)
      return r.verdi
    }
    try {
      return await (avh.brytere
        ? avh.brytere.kjor(bryter, kommunenummer, (e) => (e instanceof MedDelresultat ? true : teller(e)), kjor)
        : kjor())
    } catch (e) {
      if (e instanceof MedDelresultat) return e.verdi as T
      throw e
    }
  }
  const utilgjengelig = (system: KildeSystem, behandlingsansvarlig: string | null = null): Kilde => ({
    kommunenummer,
    system,
    status: 'UTILGJENGELIG',
    behandlingsansvarlig,
  })

  const fagsystemKilde = (fag: FagsystemDel | null, behandlingsansvarlig: string | null): Kilde =>
    fag === null || !fag.komplett
      ? utilgjengelig('FAGSYSTEM', behandlingsansvarlig)
      : // The pause flags are Fiks Digisos settings: the fagsystem exchange is not paused by them.
        { kommunenummer, system: 'FAGSYSTEM', status: 'OK', behandlingsansvarlig }
  const resultat = (digisosKilde: Kilde, saker: SakResultat[], fag: FagsystemDel | null): KommuneResultat => {
    // The fagsystem's account and address carry no date: they are shown only beside something
    // recent from the same municipality, else they would outlive the 15 months (DESIGN §4).
    // When Digisos could not be read whole, whether a recent case exists is unknown: shown then.
    const nylig =
      saker.length > 0 ||
      digisosKilde.status === 'UTILGJENGELIG' ||
      (fag !== null && (fag.programmer.length > 0 || fag.opphold.length > 0))
    return {
      kilder: [digisosKilde, fagsystemKilde(fag, digisosKilde.behandlingsansvarlig)],
      soknader: saker.map((s) => s.soknad),
      kontoer: [...saker.flatMap((s) => s.kontoer), ...(nylig ? (fag?.kontoer ?? []) : [])],
      adresser: [...saker.flatMap((s) => s.adresser), ...(nylig ? (fag?.adresser ?? []) : [])],
      programmer: fag?.programmer ?? [],
      opphold: fag?.opphold ?? [],
    }
  }

  // The fagsystem waits for KommuneInfo (nothing is asked of a municipality without NKS access),
  // then runs beside the Digisos documents, behind a breaker of its own: a fagsystem that keeps
  // failing never stops the municipality's Digisos data, nor the other way round.
  const fagsystem: { svar: Promise<FagsystemDel | null> | null } = { svar: null }
  let digisos: DigisosDel | null
  try {
    // KommuneInfo and the documents are one run of the municipality's breaker: KommuneInfo mostly
    // comes from the cache, and as a run of its own its success would reset the count each time.
    digisos = await bak('kommune', async () => {
      let info: KommuneInfo | null
      let infoFeil: Error | null = null
      try {
        info = await avh.fiks.hentKommuneInfo(kommunenummer, ctx)
        if (info === null) {
          // 404: not configured, or a gateway's or a Fiks deploy's 404 for one that is (KS's API
          // says only "not found"). The list of every municipality settles which.
          const fraListen = await kommuneInfoFraListen(kommunenummer, avh, ctx)
          // Unsettled: not counted against the municipality (its Fiks answered), handled below.
          if (fraListen === undefined)
            throw new KildeFeil('fiks', 'AVVIST', 'fiks kommuneinfo: 404, og kommunelisten kan ikke leses')
          info = fraListen
        }
      } catch (e) {
        // Not a KildeFeil, or the 404 the list left unsettled (just above): handled by the caller.
        if (!erKildeFeil(e) || e.arsak === 'AVVIST') throw e
        // Its own KommuneInfo could not be read: Fiks's list of all says the same, if it can.
        const fraListen = await kommuneInfoFraListen(kommunenummer, avh, ctx)
        if (fraListen === undefined) throw e
        info = fraListen
        infoFeil = e
      }
      if (info === null || !info.harNksTilgang) return { verdi: null, feil: infoFeil }
      fagsystem.svar = hentFagsystem(kommunenummer, gjeldendeIdent(t), grenseMs, avh, ctx, bak)
      // Awaited below; should this run fail in an unforeseen way first, no rejection goes unhandled.
      fagsystem.svar.catch(() => undefined)
      if (saker === null) {
        // The case list is unknown: Digisos cannot be answered for, the fagsystem still can.
        return {
          verdi: { info, kilde: utilgjengelig('DIGISOS', info.behandlingsansvarlig), saker: [] },
          feil: infoFeil,
        }
      }
      // innsyn-api's InnsynService skips digisos-soker.json when kanOppdatereStatus is false: the
      // municipality sends no status events, and the søknad is shown without them.
      const medHendelser = info.kanOppdatereStatus
      const fraSaker = await Promise.all(
        saker.map((s) => hentSak(s, personensIdenter(t), grenseMs, medHendelser, avh, ctx)),
      )
      const lesbare = fraSaker.flatMap((s) => (s.resultat ? [s.resultat] : []))
      const feil =
        infoFeil ??
        fraSaker.find((s) => s.feil !== null && teller(s.feil))?.feil ??
        fraSaker.find((s) => s.feil !== null)?.feil ??
        null
      const komplett = fraSaker.every((s) => s.komplett)
      const kilde: Kilde = {
        kommunenummer,
        system: 'DIGISOS',
        status: komplett ? digisosStatus(info) : 'UTILGJENGELIG',
        behandlingsansvarlig: info.behandlingsansvarlig,
      }
      return { verdi: { info, kilde, saker: lesbare }, feil }
    })
  } catch (e) {
    if (!(erKildeFeil(e) || e instanceof BryterApen)) throw e
    // Fiks's side of the municipality cannot be asked (its breaker is open), or neither its own
    // KommuneInfo nor the list could be read (a KildeFeil: the list was tried above).
    const info = e instanceof BryterApen ? await kommuneInfoFraListen(kommunenummer, avh, ctx) : undefined
    if (info === null || info?.harNksTilgang === false) return null
    if (info === undefined) {
      // Whether it shares anything is unknown: nothing is asked of it, both sources UTILGJENGELIG.
      // Named only as the person's home municipality (from PDL); one only the case list names is
      // not named: it may not have agreed to share, and its number would tell that the person
      // applied there.
      const kilder =
        kommunenummer === t.kommunenummer
          ? [utilgjengelig('DIGISOS'), utilgjengelig('FAGSYSTEM')]
          : [unummerert('DIGISOS'), unummerert('FAGSYSTEM')]
      return { kilder, soknader: [], kontoer: [], adresser: [], programmer: [], opphold: [] }
    }
    // NKS access confirmed by the list: Digisos is UTILGJENGELIG, the fagsystem is still asked.
    const fag = await hentFagsystem(kommunenummer, gjeldendeIdent(t), grenseMs, avh, ctx, bak)
    return resultat(utilgjengelig('DIGISOS', info.behandlingsansvarlig), [], fag)
  }
  if (digisos === null) return null
  return resultat(digisos.kilde, digisos.saker, await fagsystem.svar)
}

/** The municipality's KommuneInfo from Fiks's list of every municipality: null when it is not in
 *  it (not configured), undefined when the list cannot settle it. While Fiks is down the last good
 *  list, up to a day old (KOMMUNELISTE_MAKS_FORELDET_MS), still drops a municipality that is not in
 *  it or has no NKS access; only a fresh one confirms access, so that a municipality that has
 *  switched NKS access off since is not asked for data on an old word. */
async function kommuneInfoFraListen(
  kommunenummer: string,
  avh: InnhentingAvhengigheter,
  ctx: KallKontekst,
): Promise<KommuneInfo | null | undefined> {
  if (!avh.kommuneliste) return undefined
  try {
    const liste = await avh.kommuneliste.hent(ctx.callId, {
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      foreldet: true,
    })
    const info = liste.kommuner.find((k) => k.kommunenummer === kommunenummer) ?? null
    return avh.kommuneliste.fersk(liste) || info === null || !info.harNksTilgang ? info : undefined
  } catch {
    return undefined
  }
}

interface DigisosDel {
  info: KommuneInfo
  kilde: Kilde
  saker: SakResultat[]
}

interface FagsystemDel {
  kontoer: Konto[]
  adresser: Adresse[]
  programmer: Kvalifiseringsprogram[]
  opphold: MidlertidigBolig[]
  /** False when it could not answer, or items were left out for breaking the model. */
  komplett: boolean
}

/** The fagsystem's part, behind its own breaker; never throws for the source's faults. */
async function hentFagsystem(
  kommunenummer: string,
  personident: string,
  grenseMs: number,
  avh: InnhentingAvhengigheter,
  ctx: KallKontekst,
  bak: <T>(bryter: 'kommune' | 'fagsystem', kall: () => Promise<{ verdi: T; feil: Error | null }>) => Promise<T>,
): Promise<FagsystemDel | null> {
  try {
    const data = await bak('fagsystem', async () => ({
      verdi: await avh.fagsystem.hent(kommunenummer, personident, ctx),
      feil: null,
    }))
    const fag = fraFagsystem(data, grenseMs)
    if (fag.ugyldige > 0) avh.statistikk?.('ugyldig_fagsystemdata', fag.ugyldige)
    return { ...fag, komplett: fag.ugyldige === 0 }
  } catch (e) {
    if (erKildeFeil(e) || e instanceof BryterApen) return null
    throw e
  }
}

interface SakResultat {
  soknad: Soknad
  kontoer: Konto[]
  adresser: Adresse[]
}

/** One Digisos case: what could be shown of it, whether that is all of it, and the fault if any.
 *  A document that cannot be read degrades this case only: without soknad.json the case is shown
 *  from its events (the application's account and address missing); without digisos-soker.json
 *  its state is unknown and it is left out. Either way the municipality's Digisos is not complete. */
async function hentSak(
  sak: DigisosSak,
  personidenter: readonly string[],
  grenseMs: number,
  medHendelser: boolean,
  avh: InnhentingAvhengigheter,
  ctx: KallKontekst,
): Promise<{ resultat: SakResultat | null; komplett: boolean; feil: Error | null }> {
  const soknadId = sak.originalSoknadNAV?.metadata ?? null
  const sokerId = medHendelser ? (sak.digisosSoker?.metadata ?? null) : null
  const feil: Error[] = []
  const les = async (id: string | null): Promise<unknown> => {
    if (id === null) return null
    try {
      return await avh.fiks.hentDokument(sak.fiksDigisosId, id, ctx)
    } catch (e) {
      if (!erKildeFeil(e)) throw e
      feil.push(e)
      return undefined
    }
  }
  const [soknadJson, digisosSoker] = await Promise.all([les(soknadId), les(sokerId)])
  const forsteFeil = feil[0] ?? null
  if (digisosSoker === undefined) return { resultat: null, komplett: false, feil: forsteFeil }
  // One case the fold cannot place in time, or whose result breaks the model, fails alone: the
  // validation here is the one komprimer repeats, so no upstream case can make that one throw.
  try {
    const { soknad, statistikk } = foldDigisosSak(sak, digisosSoker, soknadJson ?? null, grenseMs)
    if (statistikk.ukjentType > 0) avh.statistikk?.('ukjent_hendelsestype', statistikk.ukjentType)
    if (statistikk.ugyldige > 0) avh.statistikk?.('ugyldig_hendelse', statistikk.ugyldige)
    const opphav = { kommunenummer: sak.kommunenummer, system: 'DIGISOS' as const, fiksDigisosId: sak.fiksDigisosId }
    const fraDokumentet = fraSoknad(soknadJson ?? null, personidenter, opphav, soknad.sendt)
    return {
      resultat: {
        soknad: Soknad.parse(soknad),
        kontoer: [...fraDokumentet.kontoer, ...kontoerFraUtbetalinger(soknad.utbetalinger, opphav)].map((k) =>
          Konto.parse(k),
        ),
        adresser: fraDokumentet.adresser.map((a) => Adresse.parse(a)),
      },
      komplett: forsteFeil === null,
      feil: forsteFeil,
    }
  } catch {
    avh.statistikk?.('ugyldig_sak', 1)
    return { resultat: null, komplett: false, feil: forsteFeil }
  }
}

/** The fagsystem's items that hold to the model and are recent enough. `ugyldige` counts those
 *  left out for breaking the model (not for their age): they make the municipality UTILGJENGELIG. */
function fraFagsystem(
  data: FagsystemData,
  grenseMs: number,
): {
  kontoer: Konto[]
  adresser: Adresse[]
  programmer: Kvalifiseringsprogram[]
  opphold: MidlertidigBolig[]
  ugyldige: number
} {
  let ugyldige = 0
  const gyldige = <T>(skjema: z.ZodType<T>, elementer: readonly unknown[]): T[] =>
    elementer.flatMap((e) => {
      const r = skjema.safeParse(e)
      if (r.success) return [r.data]
      ugyldige++
      return []
    })
  const kontoer = gyldige(Konto, data.kontoer)
  const adresser = gyldige(Adresse, data.adresser)
  const programmer = nyeProgrammer(gyldige(Kvalifiseringsprogram, data.kvalifiseringsprogram), grenseMs)
  const opphold = nyeOpphold(gyldige(MidlertidigBolig, data.midlertidigBolig), grenseMs)
  return { kontoer, adresser, programmer, opphold, ugyldige }
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
