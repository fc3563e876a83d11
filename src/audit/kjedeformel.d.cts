export declare function kjedeHashAvForm(nokkel: string, forrigeHash: string, kanonisk: string): string
export declare function signatur(nokkel: string, innhold: string): string
export declare function sjekkpunktInnhold(
  sisteSlettedeId: number,
  sisteSlettedeHash: string,
  antallSlettet: number,
  tid: string,
  forrigeSignatur: string | null,
): string
