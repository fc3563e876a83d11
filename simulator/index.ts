// Starts the whole simulator: the upstreams (one Fastify app) and the dev OIDC issuer, and says
// where each one is, in the service's own configuration names (DESIGN §7).
import type { FastifyInstance } from 'fastify'
import { buildSimulator, simulatorStyring, STIER, type SimulatorStyring } from './app.js'
import { standardDatasett, type Datasett } from './dataset.js'
import { startOidc, urlVert, type LagToken, type OidcUtsteder } from './oidc.js'

export { buildSimulator, simulatorStyring, type SimulatorStyring } from './app.js'
export {
  DatasettFeil,
  lastDatasett,
  lastDatasettFil,
  personMedTag,
  sakMedTag,
  standardDatasett,
  ukjentPersonMedTag,
  type Datasett,
} from './dataset.js'
export { UPSTREAMS, type Feil, type FeilMal, type KallOversikt, type Upstream } from './feil.js'
export { startOidc, type LagToken, type OidcUtsteder, type TokenKrav } from './oidc.js'

export interface SimulatorValg {
  host?: string
  /** The upstreams' port; 0 picks a free one. */
  port?: number
  /** The OIDC issuer's port; 0 (default) picks a free one. */
  oidcPort?: number
  /** Default: the bundled dataset, dates resolved against today. */
  datasett?: Datasett
  integrasjon: { id: string; passord: string }
  /** Groups of tokens from POST /dev/token when the caller names none. */
  groups: string[]
  /** `aud` of dev tokens (the service's AZURE_APP_CLIENT_ID). */
  audience: string
  /** See SimulatorOpts.strengeTokens. */
  strengeTokens?: boolean
  logger?: boolean | { level: string }
}

export interface SimulatorUrls {
  PDL_URL: string
  SKJERMING_URL: string
  NOM_URL: string
  FIKS_DIGISOS_URL: string
  FIKS_IO_URL: string
  NAIS_TOKEN_ENDPOINT: string
  AZURE_OPENID_CONFIG_ISSUER: string
  AZURE_OPENID_CONFIG_JWKS_URI: string
}

export interface KjorendeSimulator {
  urls: SimulatorUrls
  /** The origin of the upstreams app (control API: /simulator/…, dev tokens: /dev/token). */
  baseUrl: string
  lagToken: LagToken
  /** The issuer itself (e.g. roterNokkel for tests of JWKS refetch). */
  oidc: OidcUtsteder
  app: FastifyInstance
  styring: SimulatorStyring
  datasett: Datasett
  close(): Promise<void>
}

export async function startSimulator(valg: SimulatorValg): Promise<KjorendeSimulator> {
  const host = valg.host ?? '127.0.0.1'
  const datasett = valg.datasett ?? standardDatasett()
  const oidc = await startOidc({ host, port: valg.oidcPort ?? 0 })
  const app = buildSimulator(datasett, {
    integrasjon: valg.integrasjon,
    devToken: { lagToken: oidc.lagToken, groups: valg.groups, audience: valg.audience },
    ...(valg.strengeTokens !== undefined ? { strengeTokens: valg.strengeTokens } : {}),
    ...(valg.logger !== undefined ? { logger: valg.logger } : {}),
  })
  try {
    await app.listen({ host, port: valg.port ?? 0 })
  } catch (e) {
    await oidc.close()
    throw e
  }
  const adresse = app.server.address()
  const port = typeof adresse === 'object' && adresse ? adresse.port : valg.port
  const baseUrl = `http://${urlVert(host)}:${String(port)}`
  let lukket: Promise<void> | undefined
  return {
    urls: {
      PDL_URL: baseUrl + STIER.pdl,
      SKJERMING_URL: baseUrl + STIER.skjerming,
      NOM_URL: baseUrl + STIER.nom,
      FIKS_DIGISOS_URL: baseUrl + STIER.fiksDigisos,
      FIKS_IO_URL: baseUrl + STIER.fiksIo,
      NAIS_TOKEN_ENDPOINT: baseUrl + STIER.texasToken,
      AZURE_OPENID_CONFIG_ISSUER: oidc.issuer,
      AZURE_OPENID_CONFIG_JWKS_URI: oidc.jwksUri,
    },
    baseUrl,
    lagToken: oidc.lagToken,
    oidc,
    app,
    styring: simulatorStyring(app),
    datasett,
    close: () => (lukket ??= Promise.all([app.close(), oidc.close()]).then(() => undefined)),
  }
}
