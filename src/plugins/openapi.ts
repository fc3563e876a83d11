// OpenAPI 3.1 generated from the routes' zod schemas; interactive docs in development. Production
// serves neither (the document is generated with `npm run openapi`), so swagger, its UI and its YAML
// parser are loaded only when asked for: they are a visible part of start-up.
import fp from 'fastify-plugin'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'
import type { Feilkode } from '../feil.js'
import { problemkoder } from '../routes/skjema.js'
import { ryddDokument } from './openapi-dokument.js'

type Transform = typeof jsonSchemaTransform
type TransformObject = typeof jsonSchemaTransformObject

export default fp<{ ui: boolean; dokument: boolean }>(
  async (app, { ui, dokument }) => {
    if (!ui && !dokument) return
    const { default: swagger } = await import('@fastify/swagger')
    // Each operation's own problems (routes' problemer()), documented by ryddDokument instead.
    const koder = new Map<string, readonly Feilkode[]>()
    const transform: Transform = (input) => {
      const { response, ...schema } = (input.schema ?? {}) as {
        response?: Record<string, unknown>
        operationId?: string
      }
      const svar: Record<string, unknown> = {}
      const egne: Feilkode[] = []
      for (const [status, s] of Object.entries(response ?? {})) {
        const k = problemkoder(s)
        if (k) egne.push(...k)
        else svar[status] = s
      }
      if (schema.operationId) koder.set(schema.operationId, egne)
      return jsonSchemaTransform({
        ...input,
        schema: { ...schema, ...(response ? { response: svar } : {}) },
      } as Parameters<Transform>[0])
    }
    const transformObject: TransformObject = (input) =>
      ryddDokument(jsonSchemaTransformObject(input) as Record<string, unknown>, koder) as ReturnType<TransformObject>
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'stonadsoppslag',
          version: '1',
          description:
            'NKS-oppslag i sentrale stønadsopplysninger fra kommunene via FIKS. Personidenter står kun i innholdet, aldri i URL-er. Alle feil er application/problem+json.',
        },
        // NAIS's internal ingresses (<app>.intern[.dev].nav.no).
        servers: [
          { url: 'https://stonadsoppslag.intern.dev.nav.no', description: 'dev-gcp' },
          { url: 'https://stonadsoppslag.intern.nav.no', description: 'prod-gcp' },
        ],
        tags: [
          { name: 'oppslag', description: 'Oppslag i en persons sentrale stønadsopplysninger' },
          { name: 'kommuner', description: 'Kommunenes oppsett i Fiks Digisos' },
          { name: 'revisjon', description: 'Revisjonsloggen, for revisjonsgruppen' },
          { name: 'drift', description: 'Helse og målinger for plattformen, uten token' },
        ],
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        security: [{ bearer: [] }],
      },
      transform,
      transformObject,
    })
    if (ui) await app.register((await import('@fastify/swagger-ui')).default, { routePrefix: '/docs' })
  },
  { name: 'openapi', fastify: '5.x' },
)
