import t from 'tap'
import type { Tillatelse } from '../../src/access/regler.js'
import { komprimer, type Kompakt } from '../../src/oppslag/kompakt.js'
import { OppslagSesjoner } from '../../src/oppslag/sesjoner.js'

const tillatelse = (navident = 'Z990009') =>
  ({
    navident,
    personident: '14839010150',
    henvendelseId: 'H',
    gradering: 'UGRADERT',
    kommunenummer: '0301',
  }) as Tillatelse
const data = (fyll: number): Kompakt =>
  komprimer({
    data: {
      kilder: [],
      konto: { kontoer: [] },
      adresse: {
        adresser: [
          {
            type: 'POST',
            adresselinjer: ['x'.repeat(fyll)],
            postnummer: null,
            poststed: null,
            opphav: { kommunenummer: '0301', system: 'DIGISOS' },
          },
        ],
      },
      'okonomisk-sosialhjelp': { soknader: [] },
      kvalifiseringsprogram: { programmer: [] },
      'midlertidig-bolig': { opphold: [] },
    },
    tilbakeholdt: { adresser: false, sted: false },
    sporing: [],
  })

t.test('the byte bound counts the cached data and evicts the least recently used', async (t) => {
  const s = new OppslagSesjoner({ idleTtlMs: 60_000, maxTtlMs: 120_000, maksAntall: 100, maksBytes: 100_000 })
  const a = s.opprett(tillatelse())
  const tom = s.bytes
  s.lagre(a, data(10_000))
  t.ok(s.bytes > tom + 20_000, `the data is counted (${s.bytes} bytes)`)
  const b = s.opprett(tillatelse())
  s.lagre(b, data(10_000))
  s.hent(a.oppslagId, 'Z990009') // a is now the most recently used
  for (let i = 0; i < 3; i++) s.lagre(s.opprett(tillatelse()), data(10_000))
  t.ok(s.bytes <= 100_000, 'the bound holds')
  t.equal(s.hent(b.oppslagId, 'Z990009'), null, 'the least recently used went first')
  t.not(s.hent(a.oppslagId, 'Z990009'), null)
})

t.test('max life, idle time and another employee', async (t) => {
  let na = 1_000_000
  const s = new OppslagSesjoner({
    idleTtlMs: 60_000,
    maxTtlMs: 120_000,
    maksAntall: 10,
    maksBytes: 1_000_000,
    na: () => na,
  })
  const a = s.opprett(tillatelse())
  t.equal(s.hent(a.oppslagId, 'Z990008'), null, 'another employee sees nothing')
  na += 50_000
  t.not(s.hent(a.oppslagId, 'Z990009'), null)
  t.equal(s.utloper(a), na + 60_000)
  na += 50_000
  t.equal(s.utloper(a), a.utloperSenest, 'never past the maximum life')
  na += 25_000
  s.feiUtlopte()
  t.equal(s.antall, 0, 'swept at maximum life')
  const idle = s.opprett(tillatelse())
  s.lagre(idle, data(10))
  na += 59_000
  s.feiUtlopte()
  t.equal(s.antall, 1, 'not yet idle')
  na += 2_000
  t.equal(s.antall, 1, 'an idle session is still held until swept (or asked for)')
  s.feiUtlopte()
  t.equal(s.antall, 0, 'the sweep removes it with its data')
  t.equal(s.bytes, 0)
  const idle2 = s.opprett(tillatelse())
  na += 61_000
  t.equal(s.hent(idle2.oppslagId, idle2.tillatelse.navident), null, 'an idle session is never served')
  const b = s.opprett(tillatelse())
  s.avslutt(b.oppslagId)
  s.lagre(b, data(10))
  t.equal(s.antall, 0, 'data fetched after the end is not kept')
})

t.test('an end announced by hash drops that session, also after its data was stored', async (t) => {
  const { oppslagHash } = await import('../../src/oppslag/delte.js')
  const s = new OppslagSesjoner({ idleTtlMs: 60_000, maxTtlMs: 120_000, maksAntall: 10, maksBytes: 1_000_000 })
  const a = s.opprett(tillatelse())
  const b = s.opprett(tillatelse())
  s.lagre(a, data(10))
  s.avsluttHash(oppslagHash(a.oppslagId))
  t.equal(s.hent(a.oppslagId, 'Z990009'), null)
  t.not(s.hent(b.oppslagId, 'Z990009'), null, 'the other stays')
  s.avsluttHash(oppslagHash('ukjent'))
  t.equal(s.antall, 1)
})

t.test('kompakt: the cached text is the schema-checked data, and unknown fields never pass', async (t) => {
  const { heltSvar, kategoriSvar } = await import('../../src/oppslag/kompakt.js')
  const k = data(5)
  const hel = JSON.parse(heltSvar(k, 'id', '2026-01-01T00:00:00.000Z'))
  t.same(Object.keys(hel.kategorier), [
    'konto',
    'adresse',
    'okonomisk-sosialhjelp',
    'kvalifiseringsprogram',
    'midlertidig-bolig',
  ])
  t.same(JSON.parse(kategoriSvar(k, 'id', 'u', 'adresse')).data, hel.kategorier.adresse)
  const medEkstra = komprimer({
    data: { ...JSON.parse(heltSvar(k, 'i', 'u')).kategorier, kilder: [], konto: { kontoer: [], hemmelig: 'x' } },
    tilbakeholdt: { adresser: true, sted: false },
    sporing: [],
  })
  t.notMatch(heltSvar(medEkstra, 'i', 'u'), 'hemmelig', 'stripped like the serializer would')
  t.throws(() =>
    komprimer({
      data: { ...hel.kategorier, kilder: [], konto: { kontoer: [{ kontonummer: 'ikke et nummer' }] } },
      tilbakeholdt: { adresser: false, sted: false },
      sporing: [],
    } as never),
  )
})
