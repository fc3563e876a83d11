// Upstream tokens from NAIS's token service (Texas). Cached per (identity provider, target) until
// shortly before expiry; concurrent callers share one fetch through the protection layer (./vern.ts).
import { z } from 'zod'
import { somRegisterFeil, type HttpKlient, type HttpSvar } from './http.js'
import { vernetKall, type Vern } from './vern.js'
import { RegisterFeil, type KallKontekst, type TokenKilde } from './ports.js'

const TokenSvar = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  token_type: z.string(),
})

/** Refresh this long before expiry so a token never expires in flight. */
const MARGIN_MS = 60_000

export class TexasTokenKilde implements TokenKilde {
  private readonly cache = new Map<string, { token: string; utloper: number }>()

  constructor(
    private readonly http: HttpKlient,
    /** Shares concurrent fetches and puts them behind the token service's breaker. */
    private readonly vern: Vern | null = null,
    private readonly na: () => number = Date.now,
  ) {}

  async token(identityProvider: 'maskinporten' | 'entra_id', target: string, ctx: KallKontekst): Promise<string> {
    const nokkel = `${identityProvider}\u0000${target}`
    const lagret = this.cache.get(nokkel)
    // A cached token is served whatever the breaker says: only fetching needs the service.
    if (lagret && lagret.utloper - MARGIN_MS > this.na()) return lagret.token
    if (!this.vern) return this.hent(nokkel, identityProvider, target, ctx)
    return vernetKall(
      this.vern,
      'texas',
      nokkel,
      ctx,
      (c) => this.hent(nokkel, identityProvider, target, c),
      // A refused target (a wrong scope) is that target's fault, not the service's.
      (e) => e instanceof RegisterFeil && e.arsak !== 'AVVIST',
      (hva) => new RegisterFeil('token', 'UTILGJENGELIG', `token: ${hva}`),
    )
  }

  private async hent(nokkel: string, identityProvider: string, target: string, ctx: KallKontekst): Promise<string> {
    let svar: HttpSvar
    try {
      svar = await this.http.kall({
        method: 'POST',
        idempotent: true, // a read: safe to repeat
        path: '',
        body: { identity_provider: identityProvider, target },
        signal: ctx.signal,
      })
    } catch (e) {
      throw somRegisterFeil('token', e)
    }
    // 4xx: this target refused (not the service's fault); 5xx: the service is failing.
    if (svar.status !== 200)
      throw new RegisterFeil('token', svar.status >= 500 ? 'UTILGJENGELIG' : 'AVVIST', `token: status ${svar.status}`)
    const tolket = TokenSvar.safeParse(svar.data)
    if (!tolket.success) throw new RegisterFeil('token', 'UGYLDIG_SVAR', 'token: uventet svarformat')
    this.cache.set(nokkel, { token: tolket.data.access_token, utloper: this.na() + tolket.data.expires_in * 1000 })
    return tolket.data.access_token
  }
}
