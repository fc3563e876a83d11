// Folds one Digisos case (the DigisosSak metadata and its digisos-soker.json event log) into the
// canonical Soknad. Pure: the documents are fetched elsewhere and handed in already parsed as JSON.
import { z } from 'zod'
import { aldersgrense, erEldreEnn } from '../alder.js'
import { navnEllerNull } from '../tekst.js'
import { somUtc } from '../tidspunkt.js'
import type {
  Dokumentasjonkrav,
  EtterspurtDokument as EtterspurtDokumentUt,
  Sak,
  Soknad,
  Utbetaling,
  Vilkar,
} from '../model.js'
import type { DigisosSak } from './sak.js'
import {
  DigisosSokerDokument,
  type DokumentasjonkravHendelse,
  EtterspurtDokument,
  Hendelse,
  HendelseFelles,
  KJENTE_TYPER,
  type SaksStatusHendelse,
  type UtbetalingHendelse,
  type VilkarHendelse,
} from './hendelser.js'

/** Counts only, never content: safe to log and to export as metrics. */
export interface FoldStatistikk {
  /** Entries in `hendelser`, whatever they were. */
  hendelser: number
  anvendt: number
  /** Skipped: a type this version does not know (newer format, or a sender's own). */
  ukjentType: number
  /** Skipped: a known type, or no readable type/time, that does not hold what the fold needs. */
  ugyldige: number
  /** The document was there but had no readable `hendelser` list; the case shows as SENDT. */
  dokumentUgyldig: boolean
}

export interface FoldResultat {
  soknad: Soknad
  statistikk: FoldStatistikk
}

type SaksStatusVerdi = NonNullable<z.infer<typeof SaksStatusHendelse>['status']>
interface SakTilstand {
  referanse: string
  tittel: string | null
  status: SaksStatusVerdi | null
  vedtak: Sak['vedtak']
}

/** soknad.json's mottaker (the format's parts/mottaker.json): each field judged on its own. */
const SoknadJsonMottaker = z.object({
  mottaker: z.object({
    enhetsnummer: z
      .string()
      .regex(/^\d{4}$/)
      .optional()
      .catch(undefined),
    kommunenummer: z.string().optional().catch(undefined),
    navEnhetsnavn: z.string().optional().catch(undefined),
  }),
})

/** Where modia files a vedtak that names no sak (navikt/sosialhjelp-modia-api, VedtakFattet.kt). */
const STANDARD_SAK = 'default'

/** An account number as the format defines it (11 digits), or none: nothing is guessed at. */
function kontonummer(verdi: unknown): string | null {
  return typeof verdi === 'string' && /^\d{11}$/.test(verdi) ? verdi : null
}

/**
 * The NAV office's and the municipality's names from soknad.json's `navEnhetsnavn`, which the
 * application writes as "<office>, <municipality>" (navikt/sosialhjelp-soknad-api, NavEnhetUtils).
 * The office's name only while the case is still with the office the application went to, the
 * municipality's only when it is the case's: a name is never put on another unit.
 */
function navnFraSoknad(
  soknadJson: unknown,
  navEnhet: string | null,
  kommunenummer: string,
): { navEnhetNavn: string | null; kommunenavn: string | null } {
  const m = SoknadJsonMottaker.safeParse(soknadJson)
  const navn = m.success ? m.data.mottaker.navEnhetsnavn?.trim() : undefined
  if (!m.success || !navn) return { navEnhetNavn: null, kommunenavn: null }
  const skille = navn.indexOf(', ')
  const kontor = navnEllerNull(skille < 0 ? navn : navn.slice(0, skille))
  const kommune = skille < 0 ? null : navnEllerNull(navn.slice(skille + 2))
  const mottaker = m.data.mottaker
  return {
    navEnhetNavn: mottaker.enhetsnummer !== undefined && mottaker.enhetsnummer === navEnhet ? kontor : null,
    kommunenavn: mottaker.kommunenummer === undefined || mottaker.kommunenummer === kommunenummer ? kommune : null,
  }
}

function tilIso(ms: number | null | undefined): string | null {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return null
  const d = new Date(ms)
  return Number.isNaN(d.getTime()) ? null : d.toISOString()
}

/**
 * The state of one Digisos case as the fold of its events in time order. Saker and payouts come
 * in the order each first appeared in time; a payout keeps its place when later events replace it.
 *
 * @param sak the case metadata from Fiks
 * @param digisosSoker the parsed digisos-soker.json, or null/undefined when the municipality has
 *   not sent one yet
 * @param soknadJson the parsed soknad.json, when fetched; only used for the NAV office the
 *   application was sent to, before the municipality has named one
 * @param grenseMs payouts whose latest date (their last event, due and paid dates, period) is
 *   before this are left out (DESIGN §4); none when not given
 */
export function foldDigisosSak(
  sak: DigisosSak,
  digisosSoker: unknown,
  soknadJson?: unknown,
  grenseMs?: number,
): FoldResultat {
  const statistikk: FoldStatistikk = {
    hendelser: 0,
    anvendt: 0,
    ukjentType: 0,
    ugyldige: 0,
    dokumentUgyldig: false,
  }

  // Classify first, then sort the usable ones: an event's place in time needs its envelope.
  // The time is formatted only where it is shown (a vedtak's date, the fallback sistEndret).
  const gyldige: { ms: number; nr: number; hendelse: Hendelse }[] = []
  if (digisosSoker !== null && digisosSoker !== undefined) {
    const dokument = DigisosSokerDokument.safeParse(digisosSoker)
    if (!dokument.success) {
      statistikk.dokumentUgyldig = true
    } else {
      statistikk.hendelser = dokument.data.hendelser.length
      dokument.data.hendelser.forEach((ra, nr) => {
        const type = typeof ra === 'object' && ra !== null ? (ra as { type?: unknown }).type : undefined
        if (typeof type === 'string' && !KJENTE_TYPER.has(type)) {
          statistikk.ukjentType++
          return
        }
        const felles = HendelseFelles.safeParse(ra)
        const hendelse = Hendelse.safeParse(ra)
        if (!felles.success || !hendelse.success) {
          statistikk.ugyldige++
          return
        }
        const ms = Date.parse(felles.data.hendelsestidspunkt)
        gyldige.push({ ms, nr, hendelse: hendelse.data })
      })
    }
  }
  // Ties keep document order: the sender wrote them in the order it meant.
  gyldige.sort((a, b) => a.ms - b.ms || a.nr - b.nr)

  let status: Soknad['status'] = 'SENDT'
  let navEnhet: string | null = sak.tilleggsinformasjon?.enhetsnummer || null
  if (navEnhet === null) {
    const mottaker = SoknadJsonMottaker.safeParse(soknadJson)
    if (mottaker.success) navEnhet = mottaker.data.mottaker.enhetsnummer ?? null
  }
  let etterspurt: { dokumenter: unknown[]; ms: number } | null = null
  let forelopigSvarMs: number | null = null
  const saker = new Map<string, SakTilstand>()
  /** Each payout's latest event, and that event's time. */
  const utbetalinger = new Map<string, { u: z.infer<typeof UtbetalingHendelse>; ms: number }>()
  // The latest event for a reference is the whole truth about that vilkår or krav, as for payouts.
  const vilkar = new Map<string, { v: z.infer<typeof VilkarHendelse>; ms: number }>()
  const krav = new Map<string, { k: z.infer<typeof DokumentasjonkravHendelse>; ms: number }>()

  const hentSak = (referanse: string): SakTilstand => {
    let s = saker.get(referanse)
    if (!s) {
      s = { referanse, tittel: null, status: null, vedtak: [] }
      saker.set(referanse, s)
    }
    return s
  }

  for (const { ms, hendelse: h } of gyldige) {
    statistikk.anvendt++
    switch (h.type) {
      case 'soknadsStatus':
        status = h.status
        break
      case 'tildeltNavKontor':
        navEnhet = h.navKontor
        break
      case 'saksStatus': {
        const s = hentSak(h.referanse)
        // A status update without a title keeps the title it had.
        if (h.tittel != null) s.tittel = h.tittel
        if (h.status != null) s.status = h.status
        break
      }
      case 'vedtakFattet':
        hentSak(h.saksreferanse || STANDARD_SAK).vedtak.push({
          utfall: h.utfall ?? null,
          dato: new Date(ms).toISOString(),
        })
        break
      case 'utbetaling':
        // The latest event for a reference is the whole truth about that payout.
        utbetalinger.set(h.utbetalingsreferanse, { u: h, ms })
        break
      case 'dokumentasjonEtterspurt':
        etterspurt = { dokumenter: h.dokumenter, ms }
        break
      case 'forelopigSvar':
        forelopigSvarMs = ms
        break
      case 'vilkar':
        vilkar.set(h.vilkarreferanse, { v: h, ms })
        break
      case 'dokumentasjonkrav':
        krav.set(h.dokumentasjonkravreferanse, { k: h, ms })
        break
      case 'rammevedtak':
        break
    }
  }

  // A FEILREGISTRERT sak was never real: it goes, and everything hanging on it goes with it.
  const feilregistrert = new Set(
    [...saker.values()].filter((s) => s.status === 'FEILREGISTRERT').map((s) => s.referanse),
  )
  const synligeSaker: Sak[] = [...saker.values()]
    .filter((s) => !feilregistrert.has(s.referanse))
    .map((s) => ({
      referanse: s.referanse,
      tittel: s.tittel,
      status: s.status === 'FEILREGISTRERT' ? null : s.status,
      vedtak: s.vedtak,
    }))
  const paFeilregistrertSak = (saksreferanse: string | null | undefined) =>
    saksreferanse != null && feilregistrert.has(saksreferanse)
  const nyNok = (...datoer: (string | number | null | undefined)[]) =>
    grenseMs === undefined || !erEldreEnn(grenseMs, ...datoer)
  const synligeUtbetalinger: Utbetaling[] = [...utbetalinger.values()]
    .filter(
      ({ u, ms }) =>
        u.status !== 'ANNULLERT' &&
        !paFeilregistrertSak(u.saksreferanse) &&
        // Neither date: not yet a payout anyone can tell the person about (modia leaves it out too).
        (u.utbetalingsdato != null || u.forfallsdato != null) &&
        nyNok(ms, u.utbetalingsdato, u.forfallsdato, u.fom, u.tom),
    )
    .map(({ u }) => {
      // annenMottaker null is the field not set: unstated, as when it is absent.
      const tilAnnenMottaker = u.annenMottaker === true
      return {
        referanse: u.utbetalingsreferanse,
        saksreferanse: u.saksreferanse ?? null,
        belop: u.belop ?? null,
        beskrivelse: u.beskrivelse ?? null,
        // No status is a planned payout (modia, Utbetaling.kt).
        status: u.status === 'ANNULLERT' ? null : (u.status ?? 'PLANLAGT_UTBETALING'),
        forfallsdato: u.forfallsdato ?? null,
        utbetalingsdato: u.utbetalingsdato ?? null,
        fom: u.fom ?? null,
        tom: u.tom ?? null,
        tilAnnenMottaker,
        // Someone else's account is never shown as the person's: only a payout stated to go to
        // the person (annenMottaker false) shows its account; unstated counts as someone else's.
        kontonummer: u.annenMottaker === false ? kontonummer(u.kontonummer) : null,
      }
    })
  const viste = new Set(synligeUtbetalinger.map((u) => u.referanse))
  const tilViste = (referanser: string[] | null | undefined) =>
    [...new Set(referanser ?? [])].filter((r) => viste.has(r))

  // ANNULLERT is the sender taking it back; on a FEILREGISTRERT sak it was never real. Each by its
  // own latest date (DESIGN §4).
  const synligeVilkar: Vilkar[] = [...vilkar.values()]
    .filter(({ v, ms }) => v.status !== 'ANNULLERT' && !paFeilregistrertSak(v.saksreferanse) && nyNok(ms))
    .map(({ v, ms }) => ({
      referanse: v.vilkarreferanse,
      saksreferanse: v.saksreferanse ?? null,
      // Older senders put the text in beskrivelse only (the format made tittel required later).
      tittel: v.tittel ?? v.beskrivelse ?? null,
      status: v.status === 'ANNULLERT' ? null : (v.status ?? null),
      utbetalingsreferanser: tilViste(v.utbetalingsreferanse),
      sistEndret: new Date(ms).toISOString(),
    }))
  const synligeKrav: Dokumentasjonkrav[] = [...krav.values()]
    .filter(({ k, ms }) => k.status !== 'ANNULLERT' && !paFeilregistrertSak(k.saksreferanse) && nyNok(ms, k.frist))
    .map(({ k, ms }) => ({
      referanse: k.dokumentasjonkravreferanse,
      saksreferanse: k.saksreferanse ?? null,
      tittel: k.tittel ?? null,
      status: k.status === 'ANNULLERT' ? null : (k.status ?? null),
      frist: somUtc(k.frist),
      utbetalingsreferanser: tilViste(k.utbetalingsreferanse),
      sistEndret: new Date(ms).toISOString(),
    }))
  const etterspurtDokumentasjon: EtterspurtDokumentUt[] = []
  if (etterspurt !== null) {
    const { dokumenter, ms } = etterspurt
    for (const d of dokumenter) {
      const dok = EtterspurtDokument.safeParse(d)
      if (!dok.success) continue
      if (!nyNok(ms, dok.data.innsendelsesfrist)) continue
      etterspurtDokumentasjon.push({
        dokumenttype: dok.data.dokumenttype,
        tilleggsinformasjon: dok.data.tilleggsinformasjon ?? null,
        innsendelsesfrist: somUtc(dok.data.innsendelsesfrist),
      })
    }
  }

  const siste = gyldige.at(-1)
  const sisteHendelse = siste ? new Date(siste.ms).toISOString() : null
  const sistEndret = tilIso(sak.sistEndret) ?? tilIso(sak.digisosSoker?.timestampSistOppdatert) ?? sisteHendelse
  if (sistEndret === null) throw new TypeError('DigisosSak mangler gyldig sistEndret')

  const navn = navnFraSoknad(soknadJson, navEnhet, sak.kommunenummer)
  return {
    soknad: {
      fiksDigisosId: sak.fiksDigisosId,
      kommunenummer: sak.kommunenummer,
      kommunenavn: navn.kommunenavn,
      navEnhet,
      navEnhetNavn: navn.navEnhetNavn,
      sendt: tilIso(sak.originalSoknadNAV?.timestampSendt),
      // No application sent from nav.no: the municipality registered one on paper (modia, EventService.kt).
      papirsoknad: tilIso(sak.originalSoknadNAV?.timestampSendt) === null,
      status,
      sistEndret,
      saker: synligeSaker,
      utbetalinger: synligeUtbetalinger,
      vilkar: synligeVilkar,
      dokumentasjonkrav: synligeKrav,
      dokumentasjonEtterspurt: etterspurt !== null && etterspurt.dokumenter.length > 0,
      etterspurtDokumentasjon,
      forelopigSvar: forelopigSvarMs !== null,
      forelopigSvarDato: forelopigSvarMs === null ? null : new Date(forelopigSvarMs).toISOString(),
    },
    statistikk,
  }
}

/**
 * True when a case has not changed for `maneder` calendar months (DESIGN §4: left out). A
 * sistEndret that is not a time cannot be shown to be recent, so it counts as too old.
 */
export function erForGammel(sistEndretMs: number, naMs: number, maneder = 15): boolean {
  return !Number.isFinite(naMs) || erEldreEnn(aldersgrense(naMs, maneder), sistEndretMs)
}

/** Fiks returns cases by the person's ident, but only a case the person owns may be shown: its
 *  `sokerFnr` is one of the person's idents (a person is all their idents, DESIGN §4). */
export function tilhorerPerson(sak: DigisosSak, personidenter: string | readonly string[]): boolean {
  const identer = typeof personidenter === 'string' ? [personidenter] : personidenter
  // Guard against a blank on both sides matching.
  return identer.some((i) => /^\d{11}$/.test(i) && sak.sokerFnr === i)
}
