// Shared by the domain tests: fixture loading and synthetic test data. Only synthetic persons.
import { readFileSync } from 'node:fs'
import type { DigisosSak } from '../../src/domain/digisos/sak.js'

/** The person every fixture belongs to: Tenor-style (month +80), 14.03.1985. */
export const PERSON = '14838512470'
/** Another synthetic person, for cases that are not the person's. */
export const ANNEN_PERSON = '02919045720'

/** Synthetic account numbers (mod-11 valid) used in the fixtures. */
export const KONTO = {
  egen1: '97100500128',
  egen2: '97100500136',
  annenMottaker: '15031012349',
  annullert: '60110512344',
  soknad: '12032034568',
} as const

export function lesFixture(navn: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/digisos/${navn}`, import.meta.url), 'utf8'))
}

export function lagDigisosSak(endringer: Partial<DigisosSak> = {}): DigisosSak {
  return {
    fiksDigisosId: '3f1c2b7a-0000-4000-8000-000000000001',
    sokerFnr: PERSON,
    fiksOrgId: '11415cd1-0000-4000-8000-000000000002',
    kommunenummer: '0301',
    sistEndret: Date.UTC(2024, 2, 20, 10, 0, 0),
    originalSoknadNAV: {
      navEksternRefId: '11000001',
      timestampSendt: Date.UTC(2024, 1, 29, 9, 15, 0),
      metadata: 'a1b2c3d4-0000-4000-8000-000000000003',
    },
    digisosSoker: {
      metadata: 'a1b2c3d4-0000-4000-8000-000000000004',
      timestampSistOppdatert: Date.UTC(2024, 2, 20, 10, 0, 0),
    },
    tilleggsinformasjon: { enhetsnummer: null },
    ...endringer,
  }
}

/** Norwegian account number control digit (mod 11, weights 5 4 3 2 7 6 5 4 3 2). */
export function erGyldigKontonummer(s: string): boolean {
  if (!/^\d{11}$/.test(s)) return false
  const vekter = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
  const sum = vekter.reduce((acc, v, i) => acc + v * Number(s[i]), 0)
  const k = (11 - (sum % 11)) % 11
  return k !== 10 && k === Number(s[10])
}
