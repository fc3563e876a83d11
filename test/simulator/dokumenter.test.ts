// Every document the simulator serves must be what a real municipality would publish: valid
// against NAV's Digisos schemas (draft-06; ../shared/reference/digisos-filformat, checked below to be
// the same files as the copy validated against), except the one deliberately unknown event type and the
// two deviations modia tolerates (sak-toleranse), each checked to be the only flaw of its document.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv } from 'ajv'
import draft6 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' }
import t from 'tap'
import { sakMedTag, standardDatasett } from '../../simulator/dataset.js'

const ROT = fileURLToPath(new URL('../fixtures/schemas-simulator/json/', import.meta.url))
const BASE = 'https://schemas.stonadsoppslag.test/'

/** Every file under a directory, as full paths. */
const alle = (d: string): string[] =>
  readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? alle(join(d, f)) : [join(d, f)]))

function lagAjv() {
  const ajv = new Ajv({ strict: false, allErrors: true })
  ajv.addMetaSchema(draft6)
  // Each schema gets an id from its path, so relative $refs resolve as in the repository.
  for (const fil of alle(ROT)) ajv.addSchema(JSON.parse(readFileSync(fil, 'utf8')) as object, BASE + relative(ROT, fil))
  const hent = (sti: string) => {
    const v = ajv.getSchema(BASE + sti)
    if (!v) throw new Error(`fant ikke skjema ${sti}`)
    return v
  }
  return { soknad: hent('soknad/soknad.json'), soker: hent('digisos/soker/digisos-soker.json') }
}

const { soknad, soker } = lagAjv()

t.test("the schemas are NAV's reference, unchanged: ../shared/reference/digisos-filformat/json", async (t) => {
  // The copy lets the repository stand alone; this keeps it the reference the review named.
  const REFERANSE = fileURLToPath(new URL('../../../shared/reference/digisos-filformat/json/', import.meta.url))
  const filer = (rot: string) =>
    alle(rot)
      .map((f) => relative(rot, f))
      .sort()
  const kopi = filer(ROT)
  t.ok(kopi.length > 10)
  t.same(kopi, filer(REFERANSE), 'the same files')
  for (const f of kopi) t.equal(readFileSync(join(ROT, f), 'utf8'), readFileSync(join(REFERANSE, f), 'utf8'), f)
})
const datasett = standardDatasett()
const ukjent = sakMedTag(datasett, 'sak-ukjent-hendelse')
const toleranse = sakMedTag(datasett, 'sak-toleranse')

t.test('every soknad.json in the dataset is schema-valid', async (t) => {
  const medSoknad = datasett.digisosSaker.filter((s) => s.soknad)
  t.ok(medSoknad.length > 10)
  for (const s of medSoknad) {
    const ok = soknad(s.soknad!.dokument)
    t.ok(ok, `soknad ${s.fiksDigisosId}`, { errors: soknad.errors })
  }
})

t.test('every digisos-soker.json except the unknown-event and tolerance ones is schema-valid', async (t) => {
  for (const s of datasett.digisosSaker) {
    if (!s.digisosSoker || s === ukjent || s === toleranse) continue
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

t.test('the tolerance document fails only on what modia tolerates', async (t) => {
  const dok = toleranse.digisosSoker!.dokument
  t.notOk(soker(dok), 'deliberately invalid')
  const hendelser = dok.hendelser as Record<string, unknown>[]
  t.equal(
    hendelser.filter((h) => h.type === 'vedtakFattet' && h.saksreferanse === undefined).length,
    1,
    'one vedtak without saksreferanse',
  )
  t.equal(
    hendelser.filter(
      (h) => h.type === 'utbetaling' && typeof h.kontonummer === 'string' && !/^\d{11}$/.test(h.kontonummer),
    ).length,
    1,
    'one short kontonummer',
  )
  const rettet = {
    ...dok,
    hendelser: hendelser
      .filter((h) => !(h.type === 'vedtakFattet' && h.saksreferanse === undefined))
      .map((h) => (h.type === 'utbetaling' && h.kontonummer !== undefined ? { ...h, kontonummer: '97100022145' } : h)),
  }
  t.ok(soker(rettet), 'valid once those two are put right', { errors: soker.errors })
})

t.test('the dataset has what modia shows: vilkår, dokumentasjonkrav, a paper application', async (t) => {
  const typer = (tag: string) => new Set(sakMedTag(datasett, tag).digisosSoker!.dokument.hendelser.map((h) => h.type))
  for (const type of ['vilkar', 'dokumentasjonkrav', 'dokumentasjonEtterspurt', 'forelopigSvar']) {
    t.ok(typer('sak-vilkar-og-krav').has(type), type)
  }
  t.equal(sakMedTag(datasett, 'sak-papirsoknad').soknad, null, 'a paper application has no soknad.json')
})
