export declare function kjedeHashAvForm(nokkel: string, forrigeHash: string, kanonisk: string): string
export declare function signatur(nokkel: string, innhold: string): string
