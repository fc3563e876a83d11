// Issue 16 item 3, found in review: for a STRENGT_FORTROLIG person nothing below the country is
// disclosed (DESIGN §4), and /metrics has no personal data (DESIGN §3). The breaker gauge
// the breaker gauge (then stonadsoppslag_bryter_tilstand) gets a series per municipality the first time that municipality
// is asked, so on /metrics (no token needed) the series that appear with a kode 6 lookup name the
// municipalities the person has cases in: on a fresh replica, or for any municipality not asked
// since start (most of the 357 on any given day), the person's kommunenummer, at the time of the
// lookup. Expected: no municipality is named in /metrics because of a lookup.
import t from 'tap'
import { request } from 'undici'
import { build, GRUPPER } from '../helper.js'

t.test('a kode 6 lookup adds no municipality to /metrics', async (t) => {
  const b = await build(t)
  const kommuner = async () => {
    const tekst = await (await request(`${b.url}/metrics`)).body.text()
    return [...tekst.matchAll(/="(\d{4})"/g)].map((m) => m[1])
  }
  const for_ = await kommuner()
  const tok = await b.token('Z990009', [GRUPPER.nks, GRUPPER.strengtFortrolig])
  // The first audit commit of a fresh store may meet its deadline on a loaded machine: retried.
  let start = await b.startOppslag('kode6', { token: tok })
  if (start.status === 503) start = await b.startOppslag('kode6', { token: tok })
  t.equal(start.status, 201)
  const svar = await b.kall('GET', `/api/v1/oppslag/${start.body.oppslagId}`, { token: tok })
  t.equal(svar.status, 200)
  t.same(
    svar.body.kilder.map((k: { kommunenummer: unknown }) => k.kommunenummer),
    [null, null],
    'the answer itself names none',
  )
  const nye = (await kommuner()).filter((k) => !for_.includes(k))
  t.same(nye, [], `no municipality appears in /metrics with the lookup (appeared: ${nye.join(', ')})`)
})
