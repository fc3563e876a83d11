// kill -9 during a load of lookups: after a restart the chain verifies, and every 200 the client
// received has its audit event. This is what "durable before data leaves" promises.
import t, { type Test } from 'tap'
import { request } from 'undici'
import { SqliteAuditStore } from '../../src/audit/sqlite.js'
import { verifiserKjede } from '../../src/audit/verifiser.js'
import { DEV_VERDIER } from '../../src/config.js'
import { personMedTag } from '../../simulator/index.js'
import { startTjeneste } from '../prosess.js'
import { devSimulator, TEST_AUDIT_NOKKEL } from '../helper.js'

/** A list of answers and a promise kept once it holds `n`: the test acts on the load having run,
 *  not on a guess of how long that takes. */
function svarliste(n: number) {
  const liste: string[] = []
  let varsle = () => {}
  const nadd = new Promise<void>((ok) => {
    varsle = ok
  })
  return {
    liste,
    legg: (s: string) => {
      if (liste.push(s) === n) varsle()
    },
    nadd,
  }
}

/** A simulator, an audit file in the test's directory, and the service's environment. */
async function oppsett(t: Test) {
  const sim = await devSimulator(t)
  const db = `${t.testdir()}/audit.db`
  const env = {
    ...DEV_VERDIER,
    ...sim.urls,
    NODE_ENV: 'production',
    PDL_BEHANDLINGSNUMMER: 'B123',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    AUDIT_CEF: 'av',
    AUDIT_NOKKEL: TEST_AUDIT_NOKKEL,
    AUDIT_STORE: `sqlite:${db}`,
  }
  return { sim, db, env }
}

t.test('kill -9 under load loses no audited response', async (t) => {
  const { sim, db, env } = await oppsett(t)
  const { barn, url } = await startTjeneste(env)
  t.teardown(() => {
    barn.kill('SIGKILL')
  })
  const token = await sim.lagToken({
    navident: 'Z990009',
    groups: [DEV_VERDIER.GRUPPE_NKS],
    aud: DEV_VERDIER.AZURE_APP_CLIENT_ID,
  })
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const personident = personMedTag(sim.datasett, 'ugradert-to-kommuner').personident

  const start = await request(`${url}/api/v1/oppslag`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ personident, henvendelseId: 'H-1' }),
  })
  const { oppslagId } = (await start.body.json()) as { oppslagId: string }

  // 16 clients reading as fast as they can; each 200 is remembered by its Nav-Call-Id.
  const last = svarliste(60)
  const mottatt = last.liste
  let stopp = false
  let n = 0
  const klient = async (k: number) => {
    while (!stopp) {
      const callId = `krasj-${k}-${n++}`
      try {
        const svar = await request(`${url}/api/v1/oppslag/${oppslagId}/konto`, {
          headers: { ...headers, 'nav-call-id': callId },
        })
        await svar.body.text()
        if (svar.statusCode === 200) last.legg(callId)
      } catch {
        return // the server is gone
      }
    }
  }
  const klienter = Array.from({ length: 16 }, (_, k) => klient(k))
  await last.nadd
  barn.kill('SIGKILL')
  stopp = true
  await Promise.all(klienter)
  t.ok(mottatt.length > 50, `the load ran (${mottatt.length} answers received before the kill)`)

  // Restart on the same file: the chain verifies and holds every answered read.
  const igjen = await startTjeneste(env)
  t.teardown(() => {
    igjen.barn.kill('SIGKILL')
  })
  const store = new SqliteAuditStore(db, { nokkel: TEST_AUDIT_NOKKEL })
  t.teardown(() => store.lukk())
  const v = await verifiserKjede(store, { nokkel: TEST_AUDIT_NOKKEL })
  t.equal(v.gyldig, true, 'the chain verifies after the crash')
  const lagret = new Set((await store.kjede(0, 1_000_000)).filter((h) => h.handling === 'LES').map((h) => h.callId))
  const mangler = mottatt.filter((c) => !lagret.has(c))
  t.same(mangler, [], 'every 200 the client received has its audit event')
  const svar = await request(`${igjen.url}/health/ready`)
  t.equal(svar.statusCode, 200, 'the restarted service is ready')
  await svar.body.text()
})

t.test('SIGTERM under load: in-flight requests finish, the process exits 0, no audited response lost', async (t) => {
  const { sim, db, env } = await oppsett(t)
  const { barn, url } = await startTjeneste(env)
  const token = await sim.lagToken({
    navident: 'Z990009',
    groups: [DEV_VERDIER.GRUPPE_NKS],
    aud: DEV_VERDIER.AZURE_APP_CLIENT_ID,
  })
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const personident = personMedTag(sim.datasett, 'ugradert-to-kommuner').personident
  const last = svarliste(30)
  const mottatt = last.liste
  let n = 0
  const stopp = { na: false }
  const klient = async (k: number) => {
    while (!stopp.na) {
      const callId = `term-${k}-${n++}`
      try {
        const start = await request(`${url}/api/v1/oppslag`, {
          method: 'POST',
          headers: { ...headers, 'nav-call-id': callId },
          body: JSON.stringify({ personident, henvendelseId: 'H' }),
        })
        // As text first: an answer that is not JSON must be seen, not lost in the catch below.
        const tekst = await start.body.text()
        let body: { oppslagId?: string; code?: string } = {}
        try {
          body = JSON.parse(tekst) as typeof body
        } catch {
          /* recorded below as it is */
        }
        if (start.statusCode === 201) last.legg(callId)
        else
          avvist.push(`${start.statusCode} ${String(start.headers['content-type'])} ${body.code ?? tekst.slice(0, 80)}`)
        if (!body.oppslagId) continue
        const les = `${callId}-les`
        const lest = await request(`${url}/api/v1/oppslag/${body.oppslagId}`, {
          headers: { ...headers, 'nav-call-id': les },
        })
        await lest.body.text()
        if (lest.statusCode === 200) last.legg(les)
      } catch {
        return
      }
    }
  }
  const avvist: string[] = []
  const klienter = Array.from({ length: 8 }, (_, k) => klient(k))
  await last.nadd
  const avsluttet = new Promise<number | null>((ok) => barn.once('exit', (kode) => ok(kode)))
  barn.kill('SIGTERM')
  const kode = await avsluttet
  stopp.na = true
  await Promise.all(klienter)
  t.equal(kode, 0, 'a clean exit')
  t.ok(mottatt.length > 10, `${mottatt.length} answers before the end`)
  const store = new SqliteAuditStore(db, { nokkel: TEST_AUDIT_NOKKEL })
  t.teardown(() => store.lukk())
  t.equal((await verifiserKjede(store, { nokkel: TEST_AUDIT_NOKKEL })).gyldig, true)
  const lagret = new Set((await store.kjede(0, 1_000_000)).map((h) => h.callId))
  t.same(
    mottatt.filter((c) => !lagret.has(c)),
    [],
    'every answer the clients got is on record',
  )
  // Every request turned away under this load (the rate limit) got a problem+json.
  t.same(
    avvist.filter((a) => !a.includes(' application/problem+json; charset=utf-8 ')),
    [],
    `${avvist.length} turned away, each with a problem+json`,
  )
})
