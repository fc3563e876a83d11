// The code cache file's form: used only for the source it was made from.
import t from 'tap'
import { Script } from 'node:vm'
import { kodecacheFil, kodecacheFor, somFunksjon } from '../src/kodecache.js'

const kilde = 'module.exports.svar = 6 * 7'

t.test('a cache file gives back V8s data for its own source, and nothing for another', async (t) => {
  const data = new Script(somFunksjon(kilde)).createCachedData()
  const fil = kodecacheFil(kilde, data)
  t.ok(kodecacheFor(fil, kilde)?.equals(data), 'the same source: the data')
  // Same length, other code: V8's own check (the length) would take it.
  const annen = 'module.exports.svar = 6 * 8'
  t.equal(annen.length, kilde.length)
  t.equal(kodecacheFor(fil, annen), null, 'another source of the same length: nothing')
  t.equal(kodecacheFor(fil.subarray(0, 32), kilde), null, 'a hash without data: nothing')
  t.equal(kodecacheFor(Buffer.alloc(0), kilde), null, 'an empty file: nothing')
})

t.test('the wrapped bundle runs with CommonJS module variables, from its cache too', async (t) => {
  const kjor = (cachedData?: Buffer) => {
    const script = new Script(somFunksjon(kilde), { filename: 'x.cjs', ...(cachedData ? { cachedData } : {}) })
    const modul = { exports: {} as { svar?: number } }
    ;(script.runInThisContext() as (...a: unknown[]) => void)(modul.exports, () => undefined, modul, 'x.cjs', '.')
    return { svar: modul.exports.svar, avvist: script.cachedDataRejected, script }
  }
  const forste = kjor()
  t.equal(forste.svar, 42)
  const andre = kjor(forste.script.createCachedData())
  t.equal(andre.avvist, false, 'V8 takes the cache')
  t.equal(andre.svar, 42)
})
