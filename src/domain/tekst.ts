// A name from an upstream, or null. NAV's own services write a missing name into text as "null"
// (navikt/sosialhjelp-soknad-api builds navEnhetsnavn as "<office>, <municipality>" from fields that
// may be null), and some senders leave an empty string: neither is a name to show.
export function navnEllerNull(verdi: string | null | undefined): string | null {
  const t = verdi?.trim()
  return !t || t.toLowerCase() === 'null' ? null : t
}
