import { SocioV1 } from '../protocol.js'
import type { DialektAdapter } from '../port.js'

const STATUS = {
  SOKT: 'SOKT',
  INN: 'INNVILGET',
  AVSL: 'AVSLATT',
  AKT: 'AKTIV',
  AVS: 'AVSLUTTET',
  AVB: 'AVBRUTT',
} as const
const UTBETALING = { U: 'UTBETALT', P: 'PLANLAGT_UTBETALING', S: 'STOPPET' } as const

// Socio carries every measure the client has; only KVP and temporary housing are sentrale
// stønadsopplysninger (NAV-loven § 16), so everything else is dropped here, at the border.
const er = (verdi: string, ...navn: string[]) => navn.includes(verdi.trim().toUpperCase())

/** `socio.v1`: a vendor's own terms and status codes. */
export const socioV1: DialektAdapter = (data, personident, kommunenummer) => {
  const d = SocioV1.parse(data)
  if (d.klient.fnr !== personident) return null
  const opphav = { kommunenummer, system: 'FAGSYSTEM' as const }
  const adresse = (a: { gate: string; postnr: string | null; poststed: string | null }) => ({
    adresselinjer: [a.gate],
    postnummer: a.postnr,
    poststed: a.poststed,
  })
  return {
    kontoer:
      d.klient.kontonr && /^\d{11}$/.test(d.klient.kontonr)
        ? [{ kontonummer: d.klient.kontonr, kilde: 'FAGSYSTEM', sistBrukt: null, opphav }]
        : [],
    adresser: d.klient.bostedsadresse ? [{ type: 'FAGSYSTEM', ...adresse(d.klient.bostedsadresse), opphav }] : [],
    kvalifiseringsprogram: d.tiltak
      .filter((t) => er(t.type, 'KVP', 'KVALIFISERINGSPROGRAM'))
      .map((t) => ({
        kommunenummer,
        status: STATUS[t.statuskode],
        vedtaksdato: t.vedtakDato,
        fom: t.periodeFra,
        tom: t.periodeTil,
        stonad: t.ytelse
          ? {
              belopPerManed: t.ytelse.manedsbelop,
              utbetalinger: t.ytelse.utbetalinger.map((u) => ({
                dato: u.dato,
                belop: u.belop,
                status: UTBETALING[u.status],
              })),
            }
          : null,
        sistEndret: t.endret,
      })),
    midlertidigBolig: d.botilbud
      .filter((b) => er(b.kategori, 'MIDLERTIDIG', 'MIDLERTIDIG BOLIG', 'MIDLERTIDIG_BOLIG'))
      .map((b) => ({
        kommunenummer,
        botype: b.kategori,
        status:
          b.statuskode === 'AVSL' ? 'AVSLATT' : (STATUS[b.statuskode] as 'SOKT' | 'INNVILGET' | 'AKTIV' | 'AVSLUTTET'),
        vedtaksdato: b.vedtakDato,
        fom: b.fra,
        tom: b.til,
        adresse: b.adresse ? adresse(b.adresse) : null,
        sistEndret: b.endret,
      })),
  }
}
