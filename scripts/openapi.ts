// Builds the OpenAPI document from the routes' zod schemas without starting anything real.
// `npm run openapi` writes openapi/openapi.json; a test fails when the committed file is stale.
import { realpathSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../src/app.js'
import { byggKonfig, DEV_VERDIER, lesMiljo } from '../src/config.js'
import type { AuditStore } from '../src/audit/port.js'
import type { Kilder } from '../src/sources/index.js'

export const OPENAPI_FIL = fileURLToPath(new URL('../openapi/openapi.json', import.meta.url))

const ingenting = (): never => {
  throw new Error('ikke i bruk ved generering')
}

export async function lagOpenApi(): Promise<string> {
  const lokal = 'http://127.0.0.1:9'
  const config = byggKonfig(lesMiljo({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), {
    ...DEV_VERDIER,
    AZURE_OPENID_CONFIG_ISSUER: lokal,
    AZURE_OPENID_CONFIG_JWKS_URI: `${lokal}/jwks`,
    FIKS_DIGISOS_URL: lokal,
    FIKS_IO_URL: lokal,
    PDL_URL: lokal,
    SKJERMING_URL: lokal,
    NOM_URL: lokal,
    NAIS_TOKEN_ENDPOINT: lokal,
  })
  const kilder: Kilder = {
    personer: { hentPerson: ingenting },
    skjerming: { erSkjermet: ingenting },
    ansatte: { hentPersonident: ingenting },
    fiks: { hentSaker: ingenting, hentDokument: ingenting, hentKommuneInfo: ingenting, hentAlleKommuneInfo: ingenting },
    fagsystem: { hent: ingenting },
    personregisterNar: async () => true,
    lukk: async () => {},
  }
  const audit: AuditStore = {
    skriv: ingenting,
    klar: async () => true,
    sok: ingenting,
    kjede: ingenting,
    sjekkpunkt: ingenting,
    slettFor: ingenting,
    hode: async () => null,
    avvik: ingenting,
    lukk: async () => {},
  }
  const app = await buildApp(config, { kilder, audit })
  await app.ready()
  const dokument = `${JSON.stringify(app.swagger(), null, 2)}\n`
  await app.close()
  return dokument
}

// Compared as real paths: in a checkout under a symlink, argv[1] is not resolved and import.meta is.
if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  await writeFile(OPENAPI_FIL, await lagOpenApi())
  process.stdout.write(`skrev ${OPENAPI_FIL}\n`)
}
