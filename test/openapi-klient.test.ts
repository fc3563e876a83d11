// An independent client from the document alone: openapi-typescript generates the types,
// openapi-fetch is the client, TypeScript (strict) checks a program that does a whole lookup, and
// the program then runs against the service on loopback with the simulator behind it.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import t from 'tap'
import ts from 'typescript'
import openapiTS, { astToString } from 'openapi-typescript'
import { lagOpenApi } from '../scripts/openapi.js'
import { build } from './helper.js'

// The program a client team would write: nothing from this repository but the generated types.
const PROGRAM = `import createClient from 'openapi-fetch'
import type { paths, components } from './api.js'

type Problem = components['schemas']['Problem']

export async function helOppslag(baseUrl: string, token: string, personident: string) {
  const klient = createClient<paths>({ baseUrl, headers: { authorization: \`Bearer \${token}\` } })
  const start = await klient.POST('/api/v1/oppslag', { body: { personident, henvendelseId: 'HENV-2026-000123' } })
  if (!start.data) throw new Error(\`start: \${start.response.status} \${(start.error as Problem | undefined)?.code}\`)
  const oppslagId: string = start.data.oppslagId
  const params = { path: { oppslagId } }
  const alt = await klient.GET('/api/v1/oppslag/{oppslagId}', { params })
  const konto = await klient.GET('/api/v1/oppslag/{oppslagId}/{kategori}', { params: { path: { oppslagId, kategori: 'konto' } } })
  const slutt = await klient.DELETE('/api/v1/oppslag/{oppslagId}', { params })
  const etter = await klient.GET('/api/v1/oppslag/{oppslagId}', { params })
  const kode: Problem['code'] | undefined = etter.error?.code
  return {
    kilder: alt.data?.kilder.map((k) => k.status) ?? [],
    kontoer: alt.data?.kategorier.konto.kontoer.length ?? -1,
    kategori: konto.data?.kategori,
    avsluttet: slutt.response.status,
    etter: { status: etter.response.status, kode, type: etter.response.headers.get('content-type') },
  }
}

export async function utenToken(baseUrl: string) {
  const svar = await createClient<paths>({ baseUrl }).GET('/api/v1/kommuner')
  const kode: Problem['code'] | undefined = svar.error?.code
  return { status: svar.response.status, kode }
}
`

/** What the program exports (it is compiled above, not by this project's tsconfig). */
interface Klient {
  helOppslag(
    baseUrl: string,
    token: string,
    personident: string,
  ): Promise<{
    kilder: string[]
    kontoer: number
    kategori: string | undefined
    avsluttet: number
    etter: { status: number; kode: string | undefined; type: string | null }
  }>
  utenToken(baseUrl: string): Promise<{ status: number; kode: string | undefined }>
}

function typefeil(fil: string): string[] {
  const program = ts.createProgram([fil], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: [],
  })
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
}

t.test('a client generated from the document type-checks a whole lookup and runs it', async (t) => {
  const dir = t.testdir()
  await writeFile(join(dir, 'api.d.ts'), astToString(await openapiTS(JSON.parse(await lagOpenApi()))))
  const fil = join(dir, 'klient.ts')
  await writeFile(fil, PROGRAM)
  t.same(typefeil(fil), [], 'the program compiles against the generated types')

  // The check can fail: a body without the personident, a category that does not exist.
  const galt = join(dir, 'galt.ts')
  await writeFile(
    galt,
    `import createClient from 'openapi-fetch'
import type { paths } from './api.js'
const k = createClient<paths>({ baseUrl: 'http://127.0.0.1' })
await k.POST('/api/v1/oppslag', { body: { henvendelseId: 'HENV-1' } })
await k.GET('/api/v1/oppslag/{oppslagId}/{kategori}', { params: { path: { oppslagId: 'x', kategori: 'lonn' } } })
export {}
`,
  )
  const feil = typefeil(galt)
  t.equal(feil.length, 2, `both misuses are type errors: ${feil.join(' | ')}`)

  // Run as the client would ship it: compiled to JavaScript.
  const js = join(dir, 'klient.mjs')
  await writeFile(
    js,
    ts.transpileModule(PROGRAM, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } })
      .outputText,
  )
  const klient = (await import(pathToFileURL(js).href)) as Klient
  // The service after the type checks: they hold the event loop long enough to trip its load shedding.
  t.test('against the service', async (t) => {
    const b = await build(t)
    const svar = await klient.helOppslag(b.url, await b.token(), b.ident('ugradert-to-kommuner'))
    t.ok(
      svar.kilder.length > 0 && svar.kilder.every((s) => s === 'OK'),
      `every source answered: ${svar.kilder.join(',')}`,
    )
    t.ok(svar.kontoer >= 0, 'the konto category is there')
    t.equal(svar.kategori, 'konto')
    t.equal(svar.avsluttet, 204)
    t.same(svar.etter, { status: 404, kode: 'OPPSLAG_UTLOPT', type: 'application/problem+json; charset=utf-8' })
    t.same(await klient.utenToken(b.url), { status: 401, kode: 'UAUTENTISERT' })
  })
})
