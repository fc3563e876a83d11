// Every fixture meant to follow NAV's Digisos file format is checked against the reference
// schemas (copied into test/fixtures/schemas/ with their layout, so the $refs resolve).
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv } from 'ajv'
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' }
import { lesFixture } from './hjelpere.js'

const SKJEMAROT = fileURLToPath(new URL('../fixtures/schemas/', import.meta.url))
// The schemas have no $id; each is registered under a made-up base URI that mirrors its path,
// so relative $refs ("parts/hendelse.json", "../../../types/tidspunkt.json") resolve.
const BASE = 'https://digisos-filformat.invalid/json/'

function lagAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true })
  ajv.addMetaSchema(draft06)
  const filer = readdirSync(SKJEMAROT, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'))
  for (const fil of filer) {
    const sti = relative(SKJEMAROT, `${SKJEMAROT}${fil}`).split('\\').join('/')
    ajv.addSchema(JSON.parse(readFileSync(`${SKJEMAROT}${fil}`, 'utf8')), `${BASE}${sti}`)
  }
  return ajv
}

const ajv = lagAjv()
const validerSoker = ajv.getSchema(`${BASE}digisos/soker/digisos-soker.json`)
const validerSoknad = ajv.getSchema(`${BASE}soknad/soknad.json`)
if (!validerSoker || !validerSoknad) throw new Error('fant ikke referanseskjemaene')

const GYLDIGE_SOKER = [
  'soker-full-forlop.json',
  'soker-usortert.json',
  'soker-feilregistrert.json',
  'soker-utbetalinger.json',
  'soker-vedtak-uten-saksstatus.json',
  'soker-kun-mottatt.json',
]
const GYLDIGE_SOKNAD = ['soknad-full.json', 'soknad-uten-konto.json']

t.test('schema-valid digisos-soker.json fixtures', async (t) => {
  for (const navn of GYLDIGE_SOKER) {
    const ok = validerSoker(lesFixture(navn))
    t.ok(ok, navn, { errors: validerSoker.errors })
  }
})

t.test('schema-valid soknad.json fixtures', async (t) => {
  for (const navn of GYLDIGE_SOKNAD) {
    const ok = validerSoknad(lesFixture(navn))
    t.ok(ok, navn, { errors: validerSoknad.errors })
  }
})

// These are schema-invalid on purpose: they are what the lenient parsing must survive. The test
// makes sure they stay invalid, so they keep testing what they claim to.
t.test('deliberately schema-invalid fixtures are rejected by the schema', async (t) => {
  t.notOk(validerSoker(lesFixture('soker-ukjent-hendelsestype.json')), 'unknown event types are outside the schema')
  t.notOk(validerSoker(lesFixture('soker-ugyldige-hendelser.json')), 'malformed known events')
  t.notOk(validerSoker(lesFixture('soker-tolerant.json')), 'a short kontonummer and a vedtak without saksreferanse')
  t.notOk(validerSoker(lesFixture('soker-eksplisitte-null.json')), 'explicit nulls where the schema has no null')
  t.notOk(validerSoknad(lesFixture('soknad-ugyldig.json')), 'personalia is not an object')
  t.notOk(validerSoknad(lesFixture('soknad-delvis-ugyldig.json')), 'broken addresses')
})

t.test('each deliberately invalid fixture is invalid for the reason it claims', async (t) => {
  const validerHendelse = ajv.getSchema(`${BASE}digisos/soker/parts/hendelse.json`)
  if (!validerHendelse) throw new Error('fant ikke hendelse.json')
  // Without its unknown-type events the document is valid: the types are the only flaw.
  const ukjent = lesFixture('soker-ukjent-hendelsestype.json') as { hendelser: { type: string }[] }
  ukjent.hendelser = ukjent.hendelser.filter((h) => h.type === 'soknadsStatus')
  t.ok(validerSoker(ukjent), 'valid once the unknown types are removed', { errors: validerSoker.errors })
  // In the malformed-events fixture only the first two and the last event are valid.
  const ugyldige = lesFixture('soker-ugyldige-hendelser.json') as { hendelser: unknown[] }
  const gyldigeIndekser = ugyldige.hendelser.flatMap((h, i) => (validerHendelse(h) ? [i] : []))
  t.same(gyldigeIndekser, [0, 1, ugyldige.hendelser.length - 1])
})

t.test('the schemas are strict enough to catch a broken event', async (t) => {
  const dok = lesFixture('soker-kun-mottatt.json') as { hendelser: Record<string, unknown>[] }
  const h = dok.hendelser[0]!
  h.status = 'PAUSET'
  t.notOk(validerSoker(dok), 'an unknown soknadsStatus fails')
})

t.test('every fixture in the folder is accounted for', async (t) => {
  const alle = readdirSync(new URL('../fixtures/digisos/', import.meta.url))
    .filter((f) => f.endsWith('.json'))
    .sort()
  const kjente = [
    ...GYLDIGE_SOKER,
    ...GYLDIGE_SOKNAD,
    'soker-ukjent-hendelsestype.json',
    'soker-ugyldige-hendelser.json',
    'soker-tolerant.json',
    'soker-eksplisitte-null.json',
    'soknad-ugyldig.json',
    'soknad-delvis-ugyldig.json',
  ].sort()
  t.same(alle, kjente, 'a new fixture must be listed here as schema-valid or deliberately invalid')
})
