// Memory from a municipality: answers that cost many times their bytes once parsed (`[{},{},…]`)
// may not exhaust the heap (without the bounds of sources/http.ts this run ends the process with
// "JavaScript heap out of memory"). The service runs as its own process with a
// small heap; hostile answers just under each one's byte bound come from every document and
// fagsystem call, to many lookups at once: every read still answers, and the process lives.
import t from 'tap'
import { request } from 'undici'
import { DEV_VERDIER } from '../../src/config.js'
import { devSimulator, TEST_AUDIT_NOKKEL } from '../helper.js'
import { startTjeneste } from '../prosess.js'

t.test('costly answers to many lookups at once: every read answers, the process survives', async (t) => {
  const sim = await devSimulator(t)
  const dir = t.testdir()
  const tjeneste = await startTjeneste({
    ...DEV_VERDIER,
    ...sim.urls,
    NODE_ENV: 'production',
    PDL_BEHANDLINGSNUMMER: 'B123',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    AUDIT_CEF: 'av',
    AUDIT_NOKKEL: TEST_AUDIT_NOKKEL,
    AUDIT_STORE: `sqlite:${dir}/audit.db`,
    OPPSLAG_START_PER_MINUTT: '1000',
    UPSTREAM_TIDSAVBRUDD_MS: '20000',
    OPPSLAG_FRIST_MS: '30000',
    UPSTREAM_MAKS_MB_UNDERVEIS: '16',
    OPPSLAG_MAKS_MB: '32',
    NODE_OPTIONS: '--max-old-space-size=96',
  })
  let dod = false
  tjeneste.barn.once('exit', () => {
    dod = true
  })
  t.teardown(
    () =>
      new Promise((ok) => {
        if (dod) return ok(undefined)
        tjeneste.barn.once('exit', ok)
        tjeneste.barn.kill('SIGTERM')
      }),
  )

  const datasett = sim.datasett
  const personer = datasett.personer
    .filter(
      (p) =>
        p.adressebeskyttelse.every((g) => g === 'UGRADERT') &&
        !p.skjermet &&
        datasett.digisosSaker.some((s) => s.sokerFnr === p.personident),
    )
    .map((p) => p.personident)
  t.ok(personer.length >= 4, 'several persons with cases')
  const token = await sim.lagToken({
    navident: 'Z990009',
    groups: [DEV_VERDIER.GRUPPE_NKS],
    aud: DEV_VERDIER.AZURE_APP_CLIENT_ID,
  })
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  // Just under the 2 MiB bound of a document or fagsystem answer: ~1.3 million JSON values each.
  sim.styring.settFeil({ upstream: 'fiks-dokument' }, { storKroppKiB: 2000 })
  sim.styring.settFeil({ upstream: 'fiks-io' }, { storKroppKiB: 2000 })

  const statuser = await Promise.all(
    Array.from({ length: 48 }, async (_, i) => {
      const start = await request(`${tjeneste.url}/api/v1/oppslag`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ personident: personer[i % personer.length], henvendelseId: `HENV-${i}` }),
      })
      const { oppslagId } = (await start.body.json()) as { oppslagId?: string }
      if (!oppslagId) return start.statusCode
      const les = await request(`${tjeneste.url}/api/v1/oppslag/${oppslagId}`, { headers })
      await les.body.text()
      return les.statusCode
    }),
  )
  t.same([...new Set(statuser)], [200], 'every read answered, the costly sources UTILGJENGELIG')
  t.notOk(dod, 'the process lives')
  t.equal((await request(`${tjeneste.url}/health/live`)).statusCode, 200)
})
