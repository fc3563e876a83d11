// Every document the simulator serves must be what a real municipality would publish: valid
// against NAV's Digisos schemas (draft-06), except the one deliberately unknown event type.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv } from 'ajv'
import draft6 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' }
import t from 'tap'
import { sakMedTag, standardDatasett } from '../../src/simulator/dataset.js'

const ROT = fileURLToPath(new URL('../fixtures/schemas-simulator/json/', import.meta.url))
const BASE = 'https://schemas.stonadsoppslag.test/'

function lagAjv() {
  const ajv = new Ajv({ strict: false, allErrors: true })
  ajv.addMetaSchema(draft6)
  const filer = (d: string): string[] =>
    readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? filer(join(d, f)) : [join(d, f)]))
  // Each schema gets an id from its path, so relative $refs resolve as in the repository.
  for (const fil of filer(ROT)) ajv.addSchema(JSON.parse(readFileSync(fil, 'utf8')) as object, BASE + relative(ROT, fil))
  const hent = (sti: string) => {
    const v = ajv.getSchema(BASE + sti)
    if (!v) throw new Error(`fant ikke skjema ${sti}`)
    return v
  }
  return { soknad: hent('soknad/soknad.json'), soker: hent('digisos/soker/digisos-soker.json') }
}

const { soknad, soker } = lagAjv()
const datasett = standardDatasett()
const ukjent = sakMedTag(datasett, 'sak-ukjent-hendelse')

t.test('every soknad.json in the dataset is schema-valid', async (t) => {
  const medSoknad = datasett.digisosSaker.filter((s) => s.soknad)
  t.ok(medSoknad.length > 10)
  for (const s of medSoknad) {
    const ok = soknad(s.soknad!.dokument)
    t.ok(ok, `soknad ${s.fiksDigisosId}`, { errors: soknad.errors })
  }
})

t.test('every digisos-soker.json except the unknown-event one is schema-valid', async (t) => {
  for (const s of datasett.digisosSaker) {
    if (!s.digisosSoker || s === ukjent) continue
    const ok = soker(s.digisosSoker.dokument)
    t.ok(ok, `digisos-soker ${s.fiksDigisosId}`, { errors: soker.errors })
  }
})

t.test('the unknown-event document fails only on its unknown event', async (t) => {
  t.notOk(soker(ukjent.digisosSoker!.dokument), 'deliberately invalid')
  const hendelser = ukjent.digisosSoker!.dokument.hendelser
  const uten = { ...ukjent.digisosSoker!.dokument, hendelser: hendelser.filter((h) => h.type !== 'nyHendelsestype') }
  t.equal(hendelser.length - uten.hendelser.length, 1)
  t.ok(soker(uten), 'valid without the unknown event', { errors: soker.errors })
})

t.test('the schemas validate something: a broken document fails', async (t) => {
  const s = sakMedTag(datasett, 'sak-oslo-innvilget')
  const dok = structuredClone(s.digisosSoker!.dokument)
  dok.hendelser.push({ type: 'utbetaling', hendelsestidspunkt: 'i går' })
  t.notOk(soker(dok))
  t.notOk(soknad({ version: '1.0.0' }))
})
