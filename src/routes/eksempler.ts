// One realistic example per operation for the OpenAPI document (plugins/openapi.ts puts them on
// the media types; the linters check each against its schema). Synthetic persons only: Tenor-style
// idents (month + 80), made-up account numbers, a NAVident that is no one's.
import type { z } from 'zod'
import type { KontoData } from '../domain/model.js'
import type { KategoriSvar, Oppslag, OppslagOpprettet, StartOppslag } from './skjema.js'
import type { Kommuner } from './kommuner.js'

const PERSONIDENT = '14838512470'
const OPPSLAG_ID = 'q3Zy0cT9mB2fXkLw8HnR5vJd1sPaGe7uYoKiC4bNx6A'
const UTLOPER = '2026-03-14T10:15:00.000Z'
const OPPHAV = {
  kommunenummer: '0301',
  system: 'DIGISOS',
  fiksDigisosId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
} as const

const startOppslag: z.input<typeof StartOppslag> = { personident: PERSONIDENT, henvendelseId: 'HENV-2026-000123' }
const opprettet: z.output<typeof OppslagOpprettet> = { oppslagId: OPPSLAG_ID, utloper: '2026-03-14T18:00:00.000Z' }
const felles: Omit<z.output<typeof Oppslag>, 'kategorier'> = {
  oppslagId: OPPSLAG_ID,
  utloper: UTLOPER,
  kilder: [{ kommunenummer: '0301', system: 'DIGISOS', status: 'OK', behandlingsansvarlig: null }],
  tilbakeholdt: { adresser: false, sted: false },
}
const konto: z.output<typeof KontoData> = {
  kontoer: [{ kontonummer: '12345678903', kilde: 'SOKNAD', sistBrukt: '2026-02-01', opphav: OPPHAV }],
}
const oppslag: z.output<typeof Oppslag> = {
  ...felles,
  kategorier: {
    konto,
    adresse: {
      adresser: [
        { type: 'OPPHOLD', adresselinjer: ['Testveien 1'], postnummer: '0557', poststed: 'OSLO', opphav: OPPHAV },
      ],
    },
    'okonomisk-sosialhjelp': { soknader: [] },
    kvalifiseringsprogram: { programmer: [] },
    'midlertidig-bolig': { opphold: [] },
  },
}
const kategori: z.output<typeof KategoriSvar> = { ...felles, kategori: 'konto', data: konto }
const kommuner: z.output<typeof Kommuner> = {
  hentet: '2026-03-14T09:00:00.000Z',
  kommuner: [
    {
      kommunenummer: '0301',
      harNksTilgang: true,
      kanMottaSoknader: true,
      kanOppdatereStatus: true,
      harMidlertidigDeaktivertMottak: false,
      harMidlertidigDeaktivertOppdateringer: false,
      behandlingsansvarlig: null,
    },
  ],
}
const hendelse = {
  id: 4711,
  tid: '2026-03-14T09:30:12.000Z',
  navident: 'Z990001',
  handling: 'LES',
  kategori: 'konto',
  personident: PERSONIDENT,
  gjeldendeIdent: PERSONIDENT,
  henvendelseId: 'HENV-2026-000123',
  beslutning: 'Permit',
  regel: null,
  kilde: 'upstream',
  sporingsIder: ['6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f'],
  callId: 'b1946ac9-2f4e-4b1c-9a0d-3c5e7f9a1b2d',
  instans: 'stonadsoppslag-7d9f8c6b5-x2k4q:1',
  detaljer: null,
} as const

export interface Eksempel {
  /** The request body's. */
  body?: unknown
  /** The success answer's. */
  svar?: unknown
}

export const EKSEMPLER: Record<string, Eksempel> = {
  startOppslag: { body: startOppslag, svar: opprettet },
  hentOppslag: { svar: oppslag },
  hentKategori: { svar: kategori },
  avsluttOppslag: {},
  hentKommuner: { svar: kommuner },
  sokIRevisjonslogg: {
    body: { personident: PERSONIDENT, fra: '2026-03-01T00:00:00Z', til: '2026-03-15T00:00:00Z', grense: 100 },
    svar: { hendelser: [hendelse], nesteCursor: null },
  },
  lagInnsynsrapport: {
    body: { personident: PERSONIDENT, fra: '2026-01-01T00:00:00Z' },
    svar: {
      personident: PERSONIDENT,
      generert: '2026-03-14T10:00:00.000Z',
      avkortet: false,
      tilganger: [
        {
          tid: hendelse.tid,
          navident: 'Z990001',
          handling: 'LES',
          kategori: 'konto',
          henvendelseId: 'HENV-2026-000123',
          beslutning: 'Permit',
        },
      ],
    },
  },
  verifiserRevisjonslogg: { svar: { gyldig: true, antall: 4711, startEtterId: 0, sisteId: 4711, forsteBrudd: null } },
  finnAvvik: {
    svar: {
      fra: '2026-03-01T00:00:00.000Z',
      til: '2026-03-15T00:00:00.000Z',
      avkortet: false,
      avvik: [{ type: 'HOYT_VOLUM', navident: 'Z990001', antall: 412, normalPerDag: 35 }],
    },
  },
  live: { svar: { status: 'UP' } },
  ready: { svar: { status: 'UP' } },
  metrics: {
    svar: '# HELP stonadsoppslag_lookups_active Live lookups\n# TYPE stonadsoppslag_lookups_active gauge\nstonadsoppslag_lookups_active 3\n',
  },
}
