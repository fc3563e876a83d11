// Swagger UI on /docs in a real headless Chromium (Debian's chromium, driven by playwright-core):
// every operation expanded, and no resolver error shown. Issue 18 found 37 "Could not resolve
// reference" errors there when each component carried an `$id`.
import { existsSync } from 'node:fs'
import t from 'tap'
import { chromium } from 'playwright-core'
import { build } from './helper.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

// A browser's start and twelve expansions: over tap's 120 s on a loaded machine (153 s in one full run).
t.test(
  'Swagger UI shows every operation without a resolver error',
  { timeout: 300_000, skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)` },
  async (t) => {
    const b = await build(t, { dokumentasjon: true })
    // As root (CI and this machine) Chromium runs only without its sandbox.
    const nettleser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
    t.teardown(() => nettleser.close())
    const side = await nettleser.newPage()
    const konsollfeil: string[] = []
    side.on('console', (m) => {
      if (m.type() === 'error') konsollfeil.push(m.text())
    })
    // Only the service itself: Swagger UI's assets are served by it, nothing from outside.
    const utenfor: string[] = []
    await side.route('**/*', (rute) => {
      const url = rute.request().url()
      if (url.startsWith(b.url)) return rute.continue()
      utenfor.push(url)
      return rute.abort()
    })
    await side.goto(`${b.url}/docs`)
    const operasjoner = side.locator('.opblock')
    await operasjoner.first().waitFor()
    const antall = await operasjoner.count()
    const dok = JSON.parse((await b.kall('GET', '/docs/json', { token: null })).tekst) as {
      paths: Record<string, object>
    }
    t.equal(
      antall,
      Object.values(dok.paths).reduce((n, m) => n + Object.keys(m).length, 0),
      'one block per operation',
    )

    for (let i = 0; i < antall; i++) {
      const op = operasjoner.nth(i)
      await op.locator('.opblock-summary').first().click()
      // Expanded and rendered: its responses table is there.
      await op.locator('.responses-wrapper').waitFor()
    }
    // Swagger UI resolves each expanded operation's references lazily, then shows any failure in
    // its errors pane: wait until the last operation's response rows have rendered.
    await operasjoner
      .nth(antall - 1)
      .locator('.response')
      .first()
      .waitFor()
    const tekst = await side.locator('body').innerText()
    t.notMatch(tekst, /Could not resolve reference/i, 'no "Could not resolve reference"')
    t.notMatch(tekst, /Resolver error/i, 'no resolver error')
    t.equal(await side.locator('.errors-wrapper').count(), 0, 'no errors pane')
    t.match(tekst, /14838512470/, 'the synthetic example ident, not "string"')
    t.match(tekst, /application\/problem\+json/, 'errors as application/problem+json')
    t.match(tekst, /OPPSLAG_UTLOPT/, 'the catalogue codes as examples')
    t.same(utenfor, [], 'nothing fetched from outside the service')
    t.same(konsollfeil, [], 'no errors in the console')
  },
)
