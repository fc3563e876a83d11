// The structure drawn from the code (issue 19): the pure core, domain/ and access/, imports nothing
// above it (no adapter, store, flow, plugin, route, nor an I/O module), and no file in src/ imports
// the simulator, which is development code outside the service.
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROT = fileURLToPath(new URL('..', import.meta.url))
const SRC = join(ROT, 'src')

/** Packages the pure core may use: schemas and the ident checksum, no I/O. A new one is a choice
 *  to make here, on purpose. */
const RENE_PAKKER = new Set(['zod', '@navikt/fnrvalidator'])

/** The folders (under src/) each core folder may import from. */
const LAG: Record<string, string[]> = {
  domain: ['domain'],
  access: ['access', 'domain'],
}

/** Every module specifier in a source text: static imports and re-exports (also over several
 *  lines), side-effect imports, dynamic import() and require(). */
function spesifikatorer(tekst: string): string[] {
  const ut: string[] = []
  for (const m of tekst.matchAll(/\b(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/g)) ut.push(m[1] as string)
  for (const m of tekst.matchAll(/\bimport\s*['"]([^'"]+)['"]/g)) ut.push(m[1] as string)
  for (const m of tekst.matchAll(/\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]/g)) ut.push(m[1] as string)
  return ut
}

/** What is wrong with `fil` (a path under the repository) importing `spes`, or null. */
function brudd(fil: string, spes: string): string | null {
  const iSrc = relative(SRC, join(ROT, fil)).split(sep)
  const relativ = spes.startsWith('.')
  const mal = relativ ? relative(ROT, resolve(dirname(join(ROT, fil)), spes)) : spes
  if (/(^|\/)simulator(\/|$)/.test(mal.split(sep).join('/'))) return `${fil} imports the simulator (${spes})`
  const lag = LAG[iSrc[0] as string]
  if (!lag) return null
  if (!relativ) {
    const pakke = spes.startsWith('@') ? spes.split('/').slice(0, 2).join('/') : (spes.split('/')[0] as string)
    return RENE_PAKKER.has(pakke) ? null : `${fil}: the pure core imports ${spes}`
  }
  const malISrc = relative(SRC, join(ROT, mal)).split(sep)
  if (malISrc[0] === '..' || !lag.includes(malISrc[0] as string))
    return `${fil}: ${iSrc[0]}/ imports above it (${spes})`
  return null
}

function filer(mappe: string): string[] {
  return readdirSync(mappe, { withFileTypes: true }).flatMap((d) => {
    const sti = join(mappe, d.name)
    if (d.isDirectory()) return filer(sti)
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(d.name) ? [relative(ROT, sti)] : []
  })
}

t.test('the checks catch what they are for', async (t) => {
  t.strictSame(
    spesifikatorer(
      `import {\n  a,\n  type B,\n} from '../sources/ports.js'\nimport 'x'\nconst m = await import('./y.js')\nrequire("z")\nexport { c } from './c.js'`,
    ),
    ['../sources/ports.js', './c.js', 'x', './y.js', 'z'],
  )
  t.match(brudd('src/domain/digisos/fold.ts', '../../sources/ports.js'), /above it/, 'domain → sources')
  t.match(brudd('src/domain/redaction.ts', '../access/regler.js'), /above it/, 'domain → access')
  t.match(brudd('src/access/regler.ts', '../audit/port.js'), /above it/, 'access → audit')
  t.match(brudd('src/access/regler.ts', 'node:fs'), /pure core imports node:fs/, 'access → an I/O module')
  t.match(brudd('src/domain/model.ts', 'undici'), /pure core imports undici/)
  t.match(brudd('src/start.ts', '../simulator/index.js'), /imports the simulator/, 'src → the simulator')
  t.match(brudd('src/routes/x.ts', '../../simulator/app.js'), /imports the simulator/)
  t.equal(brudd('src/access/regler.ts', '../domain/person.js'), null, 'access → domain is allowed')
  t.equal(brudd('src/domain/soknad.ts', 'zod'), null)
  t.equal(brudd('src/oppslag/service.ts', '../sources/ports.js'), null, 'the flow may use the ports')
})

t.test('domain/ and access/ import nothing above them; src/ never imports the simulator', async (t) => {
  const alle = filer(SRC)
  t.ok(
    alle.some((f) => f.startsWith(join('src', 'domain'))) && alle.some((f) => f.startsWith(join('src', 'access'))),
    'the core was read',
  )
  let importer = 0
  for (const fil of alle) {
    for (const spes of spesifikatorer(readFileSync(join(ROT, fil), 'utf8'))) {
      importer++
      const feil = brudd(fil, spes)
      if (feil) t.fail(feil)
    }
  }
  t.ok(importer > 100, `${importer} imports checked`)
})
