// OpenAPI 3.1 generated from the routes' zod schemas; interactive docs in development. Production
// serves neither (the document is generated with `npm run openapi`), so swagger, its UI and its YAML
// parser are loaded only when asked for: they are a visible part of start-up.
import fp from 'fastify-plugin'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'

export default fp<{ ui: boolean; dokument: boolean }>(
  async (app, { ui, dokument }) => {
    if (!ui && !dokument) return
    const { default: swagger } = await import('@fastify/swagger')
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'stonadsoppslag',
          version: '1',
          description:
            'NKS-oppslag i sentrale stønadsopplysninger fra kommunene via FIKS. Personidenter står kun i innholdet, aldri i URL-er. Alle feil er application/problem+json.',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        security: [{ bearer: [] }],
      },
      transform: jsonSchemaTransform,
      transformObject: jsonSchemaTransformObject,
    })
    if (ui) await app.register((await import('@fastify/swagger-ui')).default, { routePrefix: '/docs' })
  },
  { name: 'openapi', fastify: '5.x' },
)
