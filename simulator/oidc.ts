// A dev OIDC issuer standing in for Entra ID: RS256 keys, a JWKS at /jwks and an OpenID
// configuration, on its own port. Tokens carry the claims the service reads (NAVident, groups,
// oid) the way Entra ID writes them; never a name.
import { createHash } from 'node:crypto'
import { OAuth2Server } from 'oauth2-mock-server'

/** A synthetic tenant, so tokens look like Entra ID's without naming a real one. */
export const DEV_TENANT_ID = '00000000-0000-4000-8000-0000000000de'

/** What a token should say. Extra keys become claims; a key set to undefined removes that claim. */
export type TokenKrav = {
  /** The employee; omitted for a machine token (idtyp 'app'). */
  navident?: string
  /** null leaves the claim out (as Entra ID does on group overage). */
  groups?: string[] | null
  aud: string | string[]
  /** 'app' makes a machine token (no NAVident, no groups unless given). */
  idtyp?: string
  /** Lifetime in seconds (default 3600); `exp` in the extra claims wins over it. */
  expiresIn?: number
} & Record<string, unknown>

export type LagToken = (krav: TokenKrav) => Promise<string>

export interface OidcUtsteder {
  /** `iss` of every token, also AZURE_OPENID_CONFIG_ISSUER. */
  issuer: string
  /** AZURE_OPENID_CONFIG_JWKS_URI. */
  jwksUri: string
  lagToken: LagToken
  /** Signs from now on with a new key, published with the others (tests of JWKS refetch on an
   *  unknown kid), or with `kid`, a key published before by publiserNokkel; returns the kid. */
  roterNokkel(kid?: string): Promise<string>
  /** Publishes a new key in the JWKS without signing with it yet (as Entra ID does ahead of a
   *  rotation); returns its kid. */
  publiserNokkel(): Promise<string>
  close(): Promise<void>
}

/** A stable UUID-shaped id from a string, so one employee always has the same oid. */
function stabilId(fra: string): string {
  const h = createHash('sha256').update(fra).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`
}

export function urlVert(host: string): string {
  // A wildcard listen address is not somewhere a client can connect to.
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1'
  return host.includes(':') ? `[${host}]` : host
}

export async function startOidc(valg: { host?: string; port?: number } = {}): Promise<OidcUtsteder> {
  const host = valg.host ?? '127.0.0.1'
  const server = new OAuth2Server()
  let gjeldendeKid = (await server.issuer.keys.generate('RS256')).kid
  await server.start(valg.port ?? 0, host)
  // The mock names itself "localhost", which may resolve to ::1 while we listen on IPv4 only.
  const issuer = `http://${urlVert(host)}:${server.address().port}`
  server.issuer.url = issuer

  const lagToken: LagToken = async (krav) => {
    const { navident, groups, aud, idtyp, expiresIn, ...ekstra } = krav
    const app = idtyp === 'app'
    const oid = stabilId(app ? `app:${String(ekstra['azp'] ?? aud)}` : `bruker:${navident ?? ''}`)
    return server.issuer.buildToken({
      kid: gjeldendeKid,
      expiresIn: expiresIn ?? 3600,
      scopesOrTransform: (_header, payload) => {
        payload['aud'] = aud
        payload['sub'] = oid
        payload['oid'] = oid
        payload['tid'] = DEV_TENANT_ID
        payload['ver'] = '2.0'
        if (idtyp !== undefined) payload['idtyp'] = idtyp
        if (navident !== undefined) payload['NAVident'] = navident
        if (groups === null) delete payload['groups']
        else if (groups !== undefined) payload['groups'] = groups
        else if (!app) payload['groups'] = []
        for (const [k, v] of Object.entries(ekstra)) {
          if (v === undefined) delete payload[k]
          else payload[k] = v
        }
      },
    })
  }

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    lagToken,
    roterNokkel: async (kid) => {
      if (kid !== undefined && server.issuer.keys.get(kid) === undefined) throw new Error(`ukjent kid ${kid}`)
      gjeldendeKid = kid ?? (await server.issuer.keys.generate('RS256')).kid
      return gjeldendeKid
    },
    publiserNokkel: async () => (await server.issuer.keys.generate('RS256')).kid,
    close: () => server.stop(),
  }
}
