import { z } from 'zod'

/**
 * A list in an answer from outside, checked one element at a time and given up at the first bad
 * one or past `maks` elements. Zod's own `z.array` reports every bad element of a list at once:
 * 2 MiB of `[{"p":"x"},…]` costs hundreds of MB of issues, more than the answer's byte bound ever
 * charged. Here a refusal holds at most one element's issues per list level, whatever is sent.
 */
export function liste<T extends z.ZodType>(element: T, maks: number) {
  return z.unknown().transform((verdi, ctx): z.output<T>[] => {
    if (!Array.isArray(verdi)) {
      ctx.addIssue({ code: 'custom', message: 'forventet en liste' })
      return z.NEVER
    }
    if (verdi.length > maks) {
      ctx.addIssue({ code: 'custom', message: `mer enn ${maks} elementer` })
      return z.NEVER
    }
    const ut: z.output<T>[] = []
    for (let i = 0; i < verdi.length; i++) {
      const r = element.safeParse(verdi[i])
      if (!r.success) {
        const forste = r.error.issues[0]
        ctx.addIssue({
          code: 'custom',
          message: forste?.message ?? 'ugyldig element',
          path: [i, ...(forste?.path ?? [])],
        })
        return z.NEVER
      }
      ut.push(r.data)
    }
    return ut
  })
}
