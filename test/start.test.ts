// The production start, for real: the bundle, its simulator and the launcher built as `npm run
// build` builds them (into a folder of the test's own), the code cache made with `npm start`'s V8
// flags, and started as `npm start` starts it. The cache is used, and where it cannot be (another
// bundle's, other flags, none), the service still starts and a warning says why.
import t from 'tap'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bundle, lagKodecache, npmStart, startBundle } from '../scripts/bundle.js'
import { BUNDLE_FIL, KODECACHE_FIL, KODECACHE_STATUS } from '../src/kodecache.js'
import { utenDekning } from './prosess.js'

const ADVARSEL = 'STONADSOPPSLAG_KODECACHE'
// As npm start in production: no coverage hooks, no NODE_OPTIONS.
const { NODE_OPTIONS: _utelatt, ...env } = utenDekning(process.env)

t.test('npm start and the Dockerfile start the same file with the same V8 flags', async (t) => {
  const { flagg, fil } = npmStart()
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync('Dockerfile', 'utf8'))?.[1]
  t.ok(cmd, 'the Dockerfile has a CMD in exec form')
  // The cache is made under npm start's flags: a CMD with others would have V8 refuse it.
  t.strictSame(JSON.parse(cmd as string), ['node', ...flagg, fil])
})

t.test('the built bundle starts from its code cache, and without it where it cannot', async (t) => {
  // Inside the repository, so the bundle finds node_modules as dist/ does.
  const mappe = t.testdir()
  // Fails the build if a dynamic import() is left in the bundle.
  await bundle(mappe)
  // The directive first: the launcher's wrapper makes it the function's first statement.
  t.ok(readFileSync(join(mappe, BUNDLE_FIL), 'utf8').startsWith('"use strict";'), 'the bundle runs in strict mode')
  const { flagg } = npmStart()
  // Fails unless a start with these flags then runs from the cache.
  await lagKodecache(mappe, flagg, env)
  const cache = join(mappe, KODECACHE_FIL)
  const god = readFileSync(cache)

  const start = async (medFlagg: string[]) => {
    const s = await startBundle(mappe, medFlagg, [KODECACHE_STATUS], env)
    try {
      const { status } = await fetch(`${s.url}/health/ready`)
      t.equal(status, 200, 'ready')
    } finally {
      t.equal(await s.stopp(), 0, 'stops cleanly')
    }
    return s.stderr()
  }

  const medCache = await start(flagg)
  t.match(medCache, `${KODECACHE_STATUS}: brukt`, 'with npm start flags: runs from the cache')
  t.notMatch(medCache, ADVARSEL, 'and warns of nothing')
  const avvist = await start(['--max-old-space-size=512', '--max-semi-space-size=16'])
  t.match(avvist, /V8-kodecachen brukes ikke: V8 avviste den/, 'other heap flags: V8 refuses it, said so')
  t.match(avvist, `${KODECACHE_STATUS}: ikke brukt`)

  const annen = Buffer.from(god)
  annen[0] = (annen[0] as number) ^ 0xff
  writeFileSync(cache, annen)
  const annenBundle = await start(flagg)
  t.match(annenBundle, /V8-kodecachen brukes ikke: den ble laget av en annen bundle/, 'another bundle\'s cache: not used, said so')
  t.match(annenBundle, `${KODECACHE_STATUS}: ikke brukt`)

  rmSync(cache)
  const ingen = await start(flagg)
  t.match(ingen, /V8-kodecachen brukes ikke: stonadsoppslag\.kodecache mangler/, 'no cache: said so')
  t.match(ingen, `${KODECACHE_STATUS}: ikke brukt`)
})
