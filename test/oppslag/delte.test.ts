// The shared session store on the real PostgreSQL: metadata only, idle and max-life expiry, ends
// announced to every listener, and a listener that lost its connection says so and comes back.
import { setTimeout as vent } from 'node:timers/promises'
import t from 'tap'
import type { Tillatelse } from '../../src/access/regler.js'
import { KANAL, oppslagHash, PostgresSesjonLager, UgyldigLagretTillatelse } from '../../src/oppslag/delte.js'
import { krevPostgres, medSkjema, PG_URL } from '../postgres.js'

const tillatelse = {
  navident: 'Z990009',
  personident: '14839010150',
  gjeldendeIdent: '14839010150',
  identer: ['14839010150'],
  henvendelseId: 'H-1',
  gradering: 'UGRADERT',
  kommunenummer: '0301',
  loftet: [],
} as unknown as Tillatelse

async function vente(vilkar: () => boolean, ms = 3000): Promise<boolean> {
  for (const slutt = Date.now() + ms; Date.now() < slutt; await vent(20)) if (vilkar()) return true
  return vilkar()
}

if (await krevPostgres(t)) {
  t.test('create, read, expire and end; ends reach every listener', async (t) => {
    const { skjema, ra } = await medSkjema(t)
    let na = 1_000_000
    const url = `${PG_URL}?schema=${skjema}`
    const a = await PostgresSesjonLager.apne(url, { idleMs: 60_000, na: () => na })
    const b = await PostgresSesjonLager.apne(url, { idleMs: 60_000, na: () => na })
    t.teardown(async () => {
      await a.lukk()
      await b.lukk()
    })
    const hort: string[] = []
    await b.lytt({ avsluttet: (h) => hort.push(h), tapt: () => hort.push('tapt') })

    await a.opprett('id-1', tillatelse, na + 3_600_000)
    await a.opprett('id-2', tillatelse, na + 3_600_000)
    t.same(await b.hent('id-1', tillatelse.navident), { tillatelse, utloperSenest: na + 3_600_000 })
    t.equal(await b.hent('finnes-ikke', tillatelse.navident), null)

    // Read after 50 s: still alive, and touched, so it lives another idle period.
    na += 50_000
    t.ok(await b.hent('id-1', tillatelse.navident))
    // Another employee gets nothing, and does not keep the lookup alive (id-2 goes idle below).
    t.equal(await b.hent('id-2', 'Z990012'), null, 'another employee gets nothing')
    na += 50_000
    t.ok(await a.hent('id-1', tillatelse.navident), 'touched by the read before')
    t.equal(await a.hent('id-2', tillatelse.navident), null, 'idle past 60 s')
    t.equal(await a.fei(), 1, 'the sweep removes the idle one')

    await a.avslutt('id-1')
    t.equal(await b.hent('id-1', tillatelse.navident), null)
    t.ok(await vente(() => hort.includes(oppslagHash('id-1'))), 'the end is announced with the hash, not the id')

    await a.opprett('id-3', tillatelse, na + 1000)
    na += 1000
    t.equal(await a.hent('id-3', tillatelse.navident), null, 'past its maximum life')
    t.ok(await a.klar())
    const { rows } = await ra.query(`SELECT id_hash FROM "${skjema}".oppslag_sesjon`)
    t.same(rows, [{ id_hash: oppslagHash('id-3') }])
  })

  t.test('a listener that loses its connection reports it, reconnects and hears again', async (t) => {
    const { skjema, ra } = await medSkjema(t)
    const lager = await PostgresSesjonLager.apne(`${PG_URL}?schema=${skjema}`, { idleMs: 60_000, instans: skjema })
    t.teardown(() => lager.lukk())
    const hort: string[] = []
    await lager.lytt({ avsluttet: (h) => hort.push(h), tapt: () => hort.push('tapt') })
    await ra.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [
      `stonadsoppslag-lytter ${skjema}`,
    ])
    t.ok(await vente(() => hort.includes('tapt')), 'the loss is reported (the app then drops its cached data)')
    // Once it listens again, announcements arrive.
    let hortEtter = false
    for (let i = 0; i < 100 && !hortEtter; i++) {
      await ra.query('SELECT pg_notify($1, $2)', [KANAL, 'etter'])
      hortEtter = await vente(() => hort.includes('etter'), 50)
    }
    t.ok(hortEtter, 'listening again')
  })

  t.test('a permit changed in the database is refused, not used (fail closed)', async (t) => {
    const { skjema, ra } = await medSkjema(t)
    const lager = await PostgresSesjonLager.apne(`${PG_URL}?schema=${skjema}`, { idleMs: 60_000 })
    t.teardown(() => lager.lukk())
    const endre = async (id: string, sql: string) =>
      ra.query(`UPDATE "${skjema}".oppslag_sesjon SET tillatelse = ${sql} WHERE id_hash = $1`, [oppslagHash(id)])
    const tilfeller: [string, string][] = [
      ['another employee named inside the permit', `jsonb_set(tillatelse, '{navident}', '"Z990012"')`],
      ['an ident that is no personident', `jsonb_set(tillatelse, '{personident}', '"12345678901"')`],
      ['a grading that does not exist', `jsonb_set(tillatelse, '{gradering}', '"HEMMELIG"')`],
      ['a field the permit does not have', `tillatelse || '{"unntak": ["SKJERMET"]}'`],
      ['a lift that does not exist', `jsonb_set(tillatelse, '{loftet}', '["SKJERMET"]')`],
      ['the lifts missing (a row from before they were stored)', `tillatelse - 'loftet'`],
      ['a field missing', `tillatelse - 'gradering'`],
      ['the idents missing (a row from before they were stored)', `tillatelse - 'identer'`],
      ['the typed ident not among the idents', `jsonb_set(tillatelse, '{identer}', '["24928814382"]')`],
      ['an ident that is not 11 digits', `jsonb_set(tillatelse, '{identer}', '["14839010150", "1234"]')`],
      ['no current ident', `tillatelse - 'gjeldendeIdent'`],
      ['not an object', `'"tillatelse"'`],
    ]
    for (const [i, [hva, sql]] of tilfeller.entries()) {
      const id = `id-${i}`
      await lager.opprett(id, tillatelse, Date.now() + 3_600_000)
      t.same((await lager.hent(id, tillatelse.navident))?.tillatelse, tillatelse, `${hva}: unchanged, it is read`)
      await endre(id, sql)
      await t.rejects(lager.hent(id, tillatelse.navident), UgyldigLagretTillatelse, hva)
    }
  })

  t.test('a bad schema name is refused', async (t) => {
    await t.rejects(PostgresSesjonLager.apne(`${PG_URL}?schema=Ugyldig;DROP`, { idleMs: 1000 }), /schema/)
  })
}
