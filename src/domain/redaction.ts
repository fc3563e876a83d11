// Field-level protection in one place (DESIGN §4), applied before the data is cached, so that what
// is withheld never rests in memory either. The result says *that* something was withheld, never what.
//
// - Any grading but UGRADERT: every address is withheld, whoever asks (the `adresse` category and
//   every address in the other categories).
// - STRENGT_FORTROLIG and STRENGT_FORTROLIG_UTLAND (and, failing closed, any grading this code does
//   not know): also everything that places the person below the country — municipality numbers,
//   the NAV office, free text the municipality wrote, and kilder per municipality (one per system
//   instead). The case facts (status, vedtak, amounts, dates, account numbers) are shown.
//
// Every field of the canonical model is classified in FELTKLASSER; the property test
// (test/domain/redaction.test.ts) derives the fields from the zod schemas and fails for one that is
// not classified, and checks that each is treated as its class says.
import type { Gradering } from './person.js'
import { KildeSystem, type Kilde, type Opphav, type Stonadsopplysninger, type Tilbakeholdt } from './model.js'

/**
 * - SAK: a case fact; shown to whoever may see the person.
 * - STED: places the person below the country; null for strengt fortrolig.
 * - ADRESSE: an address (a whole object); withheld for every graded person.
 * - ID: an identifier the sender chose. A UUID is random and names nothing, so it is kept; anything
 *   else (a case number such as "TRD-2024-17" may carry a unit's prefix) is replaced for strengt
 *   fortrolig by a stand-in that is the same for the same value within the lookup, so a payout
 *   still points at its sak and an account at its søknad.
 */
export type Feltklasse = 'SAK' | 'STED' | 'ADRESSE' | 'ID'

// Free text — a sak's `tittel`, a payout's `beskrivelse`, a stay's `botype` — is STED: it is written
// by the municipality ("Husleie Tøyen", "Hybelhus Grünerløkka") and nothing shows it never names a
// place. The vedtak's utfall, the statuses and the amounts say what NKS needs without it.
// Account numbers are SAK: the account is one of the sentrale stønadsopplysninger, and a bank's
// registration number says where the bank is, not where the person lives.
// Timestamps are SAK only because the model admits nothing but ISO times there (model.ts).
export const FELTKLASSER = {
  'kilder[].kommunenummer': 'STED',
  'kilder[].system': 'SAK',
  'kilder[].status': 'SAK',
  // Names a municipality ("Bergen kommune"): places the person as surely as the number does.
  'kilder[].behandlingsansvarlig': 'STED',

  'konto.kontoer[].kontonummer': 'SAK',
  'konto.kontoer[].kilde': 'SAK',
  'konto.kontoer[].sistBrukt': 'SAK',
  'konto.kontoer[].opphav.kommunenummer': 'STED',
  'konto.kontoer[].opphav.system': 'SAK',
  'konto.kontoer[].opphav.fiksDigisosId': 'ID',

  'adresse.adresser[]': 'ADRESSE',

  'okonomisk-sosialhjelp.soknader[].fiksDigisosId': 'ID',
  'okonomisk-sosialhjelp.soknader[].kommunenummer': 'STED',
  'okonomisk-sosialhjelp.soknader[].kommunenavn': 'STED',
  'okonomisk-sosialhjelp.soknader[].navEnhet': 'STED',
  'okonomisk-sosialhjelp.soknader[].navEnhetNavn': 'STED',
  'okonomisk-sosialhjelp.soknader[].sendt': 'SAK',
  'okonomisk-sosialhjelp.soknader[].papirsoknad': 'SAK',
  'okonomisk-sosialhjelp.soknader[].status': 'SAK',
  'okonomisk-sosialhjelp.soknader[].sistEndret': 'SAK',
  'okonomisk-sosialhjelp.soknader[].saker[].referanse': 'ID',
  'okonomisk-sosialhjelp.soknader[].saker[].tittel': 'STED',
  'okonomisk-sosialhjelp.soknader[].saker[].status': 'SAK',
  'okonomisk-sosialhjelp.soknader[].saker[].vedtak[].utfall': 'SAK',
  'okonomisk-sosialhjelp.soknader[].saker[].vedtak[].dato': 'SAK',
  'okonomisk-sosialhjelp.soknader[].utbetalinger[].referanse': 'ID',
  'okonomisk-sosialhjelp.soknader[].utbetalinger[].saksreferanse': 'ID',
  'okonomisk-sosialhjelp.soknader[].utbetalinger[].belop': 'SAK',
  'okonomisk-sosialhjelp.soknader[].utbetalinger[].beskrivelse': 'STED',
  'okonomisk-sosialhjelp.soknader[].utbetalinger[].status': 'SAK',
  'okonomisk-sosialhjelp.soknader[].utbetalinger[].forfallsdato': 'SAK',
  'okonomisk-sosialhjelp.soknader[].utbetalinger[].utbetalingsdato': 'SAK',
  'okonomisk-sosialhjelp.soknader[].utbetalinger[].fom': 'SAK',
  'okonomisk-sosialhjelp.soknader[].utbetalinger[].tom': 'SAK',
  'okonomisk-sosialhjelp.soknader[].utbetalinger[].tilAnnenMottaker': 'SAK',
  'okonomisk-sosialhjelp.soknader[].utbetalinger[].kontonummer': 'SAK',
  'okonomisk-sosialhjelp.soknader[].vilkar[].referanse': 'ID',
  'okonomisk-sosialhjelp.soknader[].vilkar[].saksreferanse': 'ID',
  'okonomisk-sosialhjelp.soknader[].vilkar[].tittel': 'STED',
  'okonomisk-sosialhjelp.soknader[].vilkar[].status': 'SAK',
  'okonomisk-sosialhjelp.soknader[].vilkar[].utbetalingsreferanser[]': 'ID',
  'okonomisk-sosialhjelp.soknader[].vilkar[].sistEndret': 'SAK',
  'okonomisk-sosialhjelp.soknader[].dokumentasjonkrav[].referanse': 'ID',
  'okonomisk-sosialhjelp.soknader[].dokumentasjonkrav[].saksreferanse': 'ID',
  'okonomisk-sosialhjelp.soknader[].dokumentasjonkrav[].tittel': 'STED',
  'okonomisk-sosialhjelp.soknader[].dokumentasjonkrav[].status': 'SAK',
  'okonomisk-sosialhjelp.soknader[].dokumentasjonkrav[].frist': 'SAK',
  'okonomisk-sosialhjelp.soknader[].dokumentasjonkrav[].utbetalingsreferanser[]': 'ID',
  'okonomisk-sosialhjelp.soknader[].dokumentasjonkrav[].sistEndret': 'SAK',
  'okonomisk-sosialhjelp.soknader[].dokumentasjonEtterspurt': 'SAK',
  // The document type is free text the office wrote ("strømfaktura", or a named landlord's lease).
  'okonomisk-sosialhjelp.soknader[].etterspurtDokumentasjon[].dokumenttype': 'STED',
  'okonomisk-sosialhjelp.soknader[].etterspurtDokumentasjon[].tilleggsinformasjon': 'STED',
  'okonomisk-sosialhjelp.soknader[].etterspurtDokumentasjon[].innsendelsesfrist': 'SAK',
  'okonomisk-sosialhjelp.soknader[].forelopigSvar': 'SAK',
  'okonomisk-sosialhjelp.soknader[].forelopigSvarDato': 'SAK',

  'kvalifiseringsprogram.programmer[].kommunenummer': 'STED',
  'kvalifiseringsprogram.programmer[].status': 'SAK',
  'kvalifiseringsprogram.programmer[].vedtaksdato': 'SAK',
  'kvalifiseringsprogram.programmer[].fom': 'SAK',
  'kvalifiseringsprogram.programmer[].tom': 'SAK',
  'kvalifiseringsprogram.programmer[].stonad.belopPerManed': 'SAK',
  'kvalifiseringsprogram.programmer[].stonad.utbetalinger[].dato': 'SAK',
  'kvalifiseringsprogram.programmer[].stonad.utbetalinger[].belop': 'SAK',
  'kvalifiseringsprogram.programmer[].stonad.utbetalinger[].status': 'SAK',
  'kvalifiseringsprogram.programmer[].sistEndret': 'SAK',

  'midlertidig-bolig.opphold[].kommunenummer': 'STED',
  'midlertidig-bolig.opphold[].botype': 'STED',
  'midlertidig-bolig.opphold[].status': 'SAK',
  'midlertidig-bolig.opphold[].vedtaksdato': 'SAK',
  'midlertidig-bolig.opphold[].fom': 'SAK',
  'midlertidig-bolig.opphold[].tom': 'SAK',
  'midlertidig-bolig.opphold[].adresse': 'ADRESSE',
  'midlertidig-bolig.opphold[].sistEndret': 'SAK',
} as const satisfies Record<string, Feltklasse>

// Fail closed: only the gradings named here show more; anything else withholds.
const adresserTilbakeholdes = (g: Gradering): boolean => g !== 'UGRADERT'
const stedTilbakeholdes = (g: Gradering): boolean => g !== 'UGRADERT' && g !== 'FORTROLIG'

export function skjermForGradering(
  data: Stonadsopplysninger,
  gradering: Gradering,
): { data: Stonadsopplysninger; tilbakeholdt: Tilbakeholdt } {
  if (!adresserTilbakeholdes(gradering)) return { data, tilbakeholdt: { adresser: false, sted: false } }
  if (stedTilbakeholdes(gradering)) return { data: utenSted(data), tilbakeholdt: { adresser: true, sted: true } }
  return {
    data: {
      ...data,
      adresse: { adresser: [] },
      'midlertidig-bolig': {
        opphold: data['midlertidig-bolig'].opphold.map((o) => ({ ...o, adresse: null })),
      },
    },
    tilbakeholdt: { adresser: true, sted: false },
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A UUID as it is; any other identifier as `ref-<n>`, the same n for the same value. */
function stedfrieIder(): (id: string) => string {
  const stand = new Map<string, string>()
  return (id) => {
    if (UUID.test(id)) return id
    let s = stand.get(id)
    if (s === undefined) {
      s = `ref-${stand.size + 1}`
      stand.set(id, s)
    }
    return s
  }
}

/** One source per system for a person whose place is withheld. A municipality's status is as
 *  telling as its number: only a handful are MIDLERTIDIG_DEAKTIVERT at a time, and which one is
 *  down is known. So the agent learns only whether each system's data is complete; a paused
 *  municipality's data (shown, may be stale) counts as not complete. */
function samletKilder(kilder: readonly Kilde[]): Kilde[] {
  return KildeSystem.options
    .filter((system) => kilder.some((k) => k.system === system))
    .map((system) => ({
      kommunenummer: null,
      system,
      status: kilder.every((k) => k.system !== system || k.status === 'OK')
        ? ('OK' as const)
        : ('UTILGJENGELIG' as const),
      behandlingsansvarlig: null,
    }))
}

// Every object is written out field by field, never spread: a field added to the model is then a
// type error here until it is decided, instead of passing through unseen.
function utenSted(d: Stonadsopplysninger): Stonadsopplysninger {
  const id = stedfrieIder()
  const opphav = (o: Opphav): Opphav => ({
    kommunenummer: null,
    system: o.system,
    ...(o.fiksDigisosId === undefined ? {} : { fiksDigisosId: id(o.fiksDigisosId) }),
  })
  return {
    kilder: samletKilder(d.kilder),
    konto: {
      kontoer: d.konto.kontoer.map((k) => ({
        kontonummer: k.kontonummer,
        kilde: k.kilde,
        sistBrukt: k.sistBrukt,
        opphav: opphav(k.opphav),
      })),
    },
    adresse: { adresser: [] },
    'okonomisk-sosialhjelp': {
      soknader: d['okonomisk-sosialhjelp'].soknader.map((s) => ({
        fiksDigisosId: id(s.fiksDigisosId),
        kommunenummer: null,
        kommunenavn: null,
        navEnhet: null,
        navEnhetNavn: null,
        sendt: s.sendt,
        papirsoknad: s.papirsoknad,
        status: s.status,
        sistEndret: s.sistEndret,
        saker: s.saker.map((sak) => ({
          referanse: id(sak.referanse),
          tittel: null,
          status: sak.status,
          vedtak: sak.vedtak.map((v) => ({ utfall: v.utfall, dato: v.dato })),
        })),
        utbetalinger: s.utbetalinger.map((u) => ({
          referanse: id(u.referanse),
          saksreferanse: u.saksreferanse === null ? null : id(u.saksreferanse),
          belop: u.belop,
          beskrivelse: null,
          status: u.status,
          forfallsdato: u.forfallsdato,
          utbetalingsdato: u.utbetalingsdato,
          fom: u.fom,
          tom: u.tom,
          tilAnnenMottaker: u.tilAnnenMottaker,
          kontonummer: u.kontonummer,
        })),
        vilkar: s.vilkar.map((v) => ({
          referanse: id(v.referanse),
          saksreferanse: v.saksreferanse === null ? null : id(v.saksreferanse),
          tittel: null,
          status: v.status,
          utbetalingsreferanser: v.utbetalingsreferanser.map(id),
          sistEndret: v.sistEndret,
        })),
        dokumentasjonkrav: s.dokumentasjonkrav.map((k) => ({
          referanse: id(k.referanse),
          saksreferanse: k.saksreferanse === null ? null : id(k.saksreferanse),
          tittel: null,
          status: k.status,
          frist: k.frist,
          utbetalingsreferanser: k.utbetalingsreferanser.map(id),
          sistEndret: k.sistEndret,
        })),
        dokumentasjonEtterspurt: s.dokumentasjonEtterspurt,
        etterspurtDokumentasjon: s.etterspurtDokumentasjon.map((d) => ({
          dokumenttype: null,
          tilleggsinformasjon: null,
          innsendelsesfrist: d.innsendelsesfrist,
        })),
        forelopigSvar: s.forelopigSvar,
        forelopigSvarDato: s.forelopigSvarDato,
      })),
    },
    kvalifiseringsprogram: {
      programmer: d.kvalifiseringsprogram.programmer.map((p) => ({
        kommunenummer: null,
        status: p.status,
        vedtaksdato: p.vedtaksdato,
        fom: p.fom,
        tom: p.tom,
        stonad:
          p.stonad === null
            ? null
            : {
                belopPerManed: p.stonad.belopPerManed,
                utbetalinger: p.stonad.utbetalinger.map((u) => ({ dato: u.dato, belop: u.belop, status: u.status })),
              },
        sistEndret: p.sistEndret,
      })),
    },
    'midlertidig-bolig': {
      opphold: d['midlertidig-bolig'].opphold.map((o) => ({
        kommunenummer: null,
        botype: null,
        status: o.status,
        vedtaksdato: o.vedtaksdato,
        fom: o.fom,
        tom: o.tom,
        adresse: null,
        sistEndret: o.sistEndret,
      })),
    },
  }
}
