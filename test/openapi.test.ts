import { readFile } from 'node:fs/promises'
import t from 'tap'
import { lagOpenApi, OPENAPI_FIL } from '../scripts/openapi.js'

t.test('the committed OpenAPI document is generated from the current schemas', async (t) => {
  const lagret = await readFile(OPENAPI_FIL, 'utf8')
  const ny = await lagOpenApi()
  t.equal(lagret, ny, 'openapi/openapi.json is stale: run `npm run openapi` and commit it')
  const dok = JSON.parse(ny)
  t.equal(dok.openapi, '3.1.0')
  t.ok(dok.paths['/api/v1/oppslag'].post)
  t.ok(dok.paths['/api/v1/oppslag/{oppslagId}/{kategori}'].get)
  t.notOk(JSON.stringify(dok.paths).match(/personident.*in.*query/), 'no personident parameter in a URL')
})
