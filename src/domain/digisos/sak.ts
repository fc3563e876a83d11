// A Digisos case and a municipality's Fiks configuration as the fold and the lookup read them; the
// Fiks adapter maps the wire shape to these (sources/fiks-digisos.ts).

export interface DigisosSak {
  fiksDigisosId: string
  sokerFnr: string
  fiksOrgId: string | null
  kommunenummer: string
  sistEndret: number
  originalSoknadNAV: {
    navEksternRefId: string | null
    timestampSendt: number | null
    metadata: string | null
  } | null
  digisosSoker: { metadata: string | null; timestampSistOppdatert: number | null } | null
  tilleggsinformasjon: { enhetsnummer: string | null } | null
}

export interface KommuneInfo {
  kommunenummer: string
  kanMottaSoknader: boolean
  kanOppdatereStatus: boolean
  harMidlertidigDeaktivertMottak: boolean
  harMidlertidigDeaktivertOppdateringer: boolean
  harNksTilgang: boolean
  behandlingsansvarlig: string | null
}
