// Two replicas, two processes, one PostgreSQL: they behave as one service. A lookup started on one
// is read on the other (its data fetched there, never written to the database); ending it on one
// ends it on both at once, and both drop the data.
import { setTimeout as vent } from 'node:timers/promises'
import t from 'tap'
import { request } from 'undici'
import { DEV_VERDIER } from '../../src/config.js'
import { oppslagHash } from '../../src/oppslag/delte.js'
import { personMedTag } from '../../simulator/index.js'
import { krevPostgres, medSkjema, PG_URL } from '../postgres.js'
import { startTjeneste } from '../prosess.js'
import { devSimulator, TEST_AUDIT_NOKKEL } from '../helper.js'

if (await krevPostgres(t)) {
  t.test('a lookup started on one replica is read, and ended, on the other', async (t) => {
    const { skjema, ra } = await medSkjema(t)
    const sim = await devSimulator(t)
    const pg = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${skjema}`
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
      AUDIT_STORE: pg,
      SESJON_STORE: pg,
    }
    const [a, b] = await Promise.all([startTjeneste(env), startTjeneste(env)])
    // Registered after medSkjema's, so the processes stop before the schema is dropped.
    t.teardown(async () => {
      await Promise.all(
        [a, b].map(
          (r) =>
            new Promise((ok) => {
              r.barn.once('exit', ok)
              r.barn.kill('SIGTERM')
            }),
        ),
      )
    })

    const token = (navident: string, groups: string[] = [DEV_VERDIER.GRUPPE_NKS]) =>
      sim.lagToken({ navident, groups, aud: DEV_VERDIER.AZURE_APP_CLIENT_ID })
    const meg = await token('Z990009')
    const kall = async (
      url: string,
      method: 'GET' | 'POST' | 'DELETE',
      sti: string,
      valg: { token?: string; body?: unknown } = {},
    ) => {
      const svar = await request(`${url}${sti}`, {
        method,
        headers: {
          authorization: `Bearer ${valg.token ?? meg}`,
          ...(valg.body ? { 'content-type': 'application/json' } : {}),
        },
        body: valg.body ? JSON.stringify(valg.body) : null,
      })
      const tekst = await svar.body.text()
      return { status: svar.statusCode, body: tekst ? JSON.parse(tekst) : undefined, tekst }
    }
    const aktive = async (url: string) => {
      const m = await request(`${url}/metrics`)
      return Number(/^stonadsoppslag_lookups_active (\d+)/m.exec(await m.body.text())?.[1])
    }

    const personident = personMedTag(sim.datasett, 'ugradert-to-kommuner').personident
    const start = await kall(a.url, 'POST', '/api/v1/oppslag', { body: { personident, henvendelseId: 'HENV-R' } })
    t.equal(start.status, 201)
    const id = start.body.oppslagId as string

    sim.styring.nullstillKall()
    const paB = await kall(b.url, 'GET', `/api/v1/oppslag/${id}/konto`)
    t.equal(paB.status, 200, 'read on the other replica')
    t.equal(sim.styring.kall().perUpstream['fiks-soknader'], 1, 'B fetched the data itself')
    t.equal((await kall(b.url, 'GET', `/api/v1/oppslag/${id}/adresse`)).status, 200)
    t.equal(sim.styring.kall().perUpstream['fiks-soknader'], 1, 'and then read it from its own cache')
    const paA = await kall(a.url, 'GET', `/api/v1/oppslag/${id}/konto`)
    t.equal(paA.status, 200)
    t.same(paA.body.data, paB.body.data, 'the same data on both')
    t.equal(await aktive(a.url), 1)
    t.equal(await aktive(b.url), 1)

    const annen = await token('Z990012')
    t.equal(
      (await kall(b.url, 'GET', `/api/v1/oppslag/${id}`, { token: annen })).status,
      404,
      'another employee: as if it did not exist',
    )

    // The permit in the database: not the id itself, no case data.
    const { rows } = await ra.query(`SELECT * FROM "${skjema}".oppslag_sesjon`)
    t.equal(rows.length, 1)
    const rad = JSON.stringify(rows)
    t.notMatch(rad, id, 'the oppslagId is not stored')
    t.match(rad, oppslagHash(id))
    t.notMatch(rad, /kontonummer|adresser|soknader/, 'no case data')

    t.equal((await kall(b.url, 'DELETE', `/api/v1/oppslag/${id}`)).status, 204)
    // A drops its copy on the announcement alone, before anyone asks it for the lookup.
    const t0 = Date.now()
    let tomt = false
    for (let i = 0; i < 50 && !tomt; i++) {
      tomt = (await aktive(a.url)) === 0 && (await aktive(b.url)) === 0
      if (!tomt) await vent(10)
    }
    t.ok(tomt, `both replicas dropped the cached data (A within ${Date.now() - t0} ms)`)
    t.equal((await kall(a.url, 'GET', `/api/v1/oppslag/${id}/konto`)).status, 404, 'ended on B: gone on A')
    t.equal((await ra.query(`SELECT count(*)::int AS n FROM "${skjema}".oppslag_sesjon`)).rows[0].n, 0)

    // One audit chain, written by both, verifies.
    const revisor = await token('Z990099', [DEV_VERDIER.GRUPPE_REVISJON])
    const verifisert = await kall(a.url, 'GET', '/api/v1/audit/verifiser', { token: revisor })
    t.equal(verifisert.status, 200)
    t.match(verifisert.body, { gyldig: true })
    const instanser = await ra.query(`SELECT DISTINCT instans FROM "${skjema}".audit_hendelse`)
    t.equal(instanser.rowCount, 2, 'events from both replicas')

    // The shared store cannot take a new lookup: 503, and the decision is still on record.
    await ra.query(`ALTER TABLE "${skjema}".oppslag_sesjon RENAME TO borte`)
    const uten = await kall(a.url, 'POST', '/api/v1/oppslag', { body: { personident, henvendelseId: 'HENV-S' } })
    t.equal(uten.status, 503)
    t.equal(uten.body.code, 'OPPSLAG_LAGER_UTILGJENGELIG')
    t.notOk(uten.body.oppslagId)
    const avslag = await ra.query(
      `SELECT beslutning, personident FROM "${skjema}".audit_hendelse WHERE henvendelse_id = 'HENV-S'`,
    )
    t.same(avslag.rows, [{ beslutning: 'Deny', personident }], 'a Deny names the person the registers were asked about')
  })
}
