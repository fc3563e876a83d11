// Folds one Digisos case (the DigisosSak metadata and its digisos-soker.json event log) into the
// canonical Soknad. Pure: the documents are fetched elsewhere and handed in already parsed as JSON.
import { z } from 'zod'
import type { Sak, Soknad, Utbetaling } from '../model.js'
import type { DigisosSak } from '../../sources/ports.js'
import {
  DigisosSokerDokument,
  Hendelse,
  HendelseFelles,
  KJENTE_TYPER,
  type SaksStatusHendelse,
  type UtbetalingHendelse,
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

const SoknadJsonMottaker = z.object({
  mottaker: z.object({ enhetsnummer: z.string().regex(/^\d{4}$/) }),
})

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
 */
export function foldDigisosSak(sak: DigisosSak, digisosSoker: unknown, soknadJson?: unknown): FoldResultat {
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
    if (mottaker.success) navEnhet = mottaker.data.mottaker.enhetsnummer
  }
  let dokumentasjonEtterspurt = false
  let forelopigSvar = false
  const saker = new Map<string, SakTilstand>()
  const utbetalinger = new Map<string, z.infer<typeof UtbetalingHendelse>>()

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
        if (h.tittel !== undefined) s.tittel = h.tittel
        if (h.status !== undefined) s.status = h.status
        break
      }
      case 'vedtakFattet':
        hentSak(h.saksreferanse).vedtak.push({ utfall: h.utfall ?? null, dato: new Date(ms).toISOString() })
        break
      case 'utbetaling':
        // The latest event for a reference is the whole truth about that payout.
        utbetalinger.set(h.utbetalingsreferanse, h)
        break
      case 'dokumentasjonEtterspurt':
        dokumentasjonEtterspurt = h.dokumenter.length > 0
        break
      case 'forelopigSvar':
        forelopigSvar = true
        break
      case 'vilkar':
      case 'dokumentasjonkrav':
      case 'rammevedtak':
        break
    }
  }

  // A FEILREGISTRERT sak was never real: it goes, and everything hanging on it goes with it.
  const feilregistrert = new Set([...saker.values()].filter((s) => s.status === 'FEILREGISTRERT').map((s) => s.referanse))
  const synligeSaker: Sak[] = [...saker.values()]
    .filter((s) => !feilregistrert.has(s.referanse))
    .map((s) => ({
      referanse: s.referanse,
      tittel: s.tittel,
      status: s.status === 'FEILREGISTRERT' ? null : s.status,
      vedtak: s.vedtak,
    }))
  const synligeUtbetalinger: Utbetaling[] = [...utbetalinger.values()]
    .filter((u) => u.status !== 'ANNULLERT' && !(u.saksreferanse !== undefined && feilregistrert.has(u.saksreferanse)))
    .map((u) => {
      const tilAnnenMottaker = u.annenMottaker === true
      return {
        referanse: u.utbetalingsreferanse,
        saksreferanse: u.saksreferanse ?? null,
        belop: u.belop ?? null,
        beskrivelse: u.beskrivelse ?? null,
        status: u.status === 'ANNULLERT' || u.status === undefined ? null : u.status,
        forfallsdato: u.forfallsdato ?? null,
        utbetalingsdato: u.utbetalingsdato ?? null,
        fom: u.fom ?? null,
        tom: u.tom ?? null,
        tilAnnenMottaker,
        // Someone else's account is never shown as the person's: only a payout stated to go to
        // the person (annenMottaker false) shows its account; unstated counts as someone else's.
        kontonummer: u.annenMottaker === false ? (u.kontonummer ?? null) : null,
      }
    })

  const siste = gyldige.at(-1)
  const sisteHendelse = siste ? new Date(siste.ms).toISOString() : null
  const sistEndret =
    tilIso(sak.sistEndret) ?? tilIso(sak.digisosSoker?.timestampSistOppdatert) ?? sisteHendelse
  if (sistEndret === null) throw new TypeError('DigisosSak mangler gyldig sistEndret')

  return {
    soknad: {
      fiksDigisosId: sak.fiksDigisosId,
      kommunenummer: sak.kommunenummer,
      navEnhet,
      sendt: tilIso(sak.originalSoknadNAV?.timestampSendt),
      status,
      sistEndret,
      saker: synligeSaker,
      utbetalinger: synligeUtbetalinger,
      dokumentasjonEtterspurt,
      forelopigSvar,
    },
    statistikk,
  }
}

/**
 * True when a case has not changed for `maneder` calendar months (DESIGN §4: left out). A
 * sistEndret that is not a time cannot be shown to be recent, so it counts as too old.
 */
export function erForGammel(sistEndretMs: number, naMs: number, maneder = 15): boolean {
  if (!Number.isInteger(maneder) || maneder < 0) throw new RangeError('maneder må være et heltall ≥ 0')
  if (!Number.isFinite(sistEndretMs) || !Number.isFinite(naMs)) return true
  return sistEndretMs < trekkFraManeder(naMs, maneder)
}

// Calendar months, clamped to the month's last day: 31 May minus 3 months is 28/29 February,
// not 3 March.
function trekkFraManeder(ms: number, maneder: number): number {
  const d = new Date(ms)
  const ar = d.getUTCFullYear()
  const maned = d.getUTCMonth() - maneder
  const sisteDag = new Date(Date.UTC(ar, maned + 1, 0)).getUTCDate()
  return Date.UTC(
    ar,
    maned,
    Math.min(d.getUTCDate(), sisteDag),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  )
}

/** Fiks returns cases by the person's ident, but only a case the person owns may be shown. */
export function tilhorerPerson(sak: DigisosSak, personident: string): boolean {
  // Guard against a blank on both sides matching.
  return /^\d{11}$/.test(personident) && sak.sokerFnr === personident
}
