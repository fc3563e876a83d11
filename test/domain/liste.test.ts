import t from 'tap'
import { z } from 'zod'
import { liste } from '../../src/domain/liste.js'

const Element = z.object({ a: z.string(), b: z.number(), c: z.boolean() })

t.test('a good list passes whole, typed', async (t) => {
  const r = liste(Element, 3).safeParse([{ a: 'x', b: 1, c: true, d: 'dropped' }])
  t.ok(r.success)
  t.same(r.data, [{ a: 'x', b: 1, c: true }])
})

t.test('refused: not a list, or longer than its cap, before any element is looked at', async (t) => {
  for (const verdi of [{}, 'x', null, undefined])
    t.notOk(liste(Element, 3).safeParse(verdi).success, JSON.stringify(verdi) ?? 'undefined')
  const r = liste(Element, 3).safeParse([1, 2, 3, 4])
  t.notOk(r.success)
  t.same(
    r.error?.issues.map((i) => i.message),
    ['mer enn 3 elementer'],
  )
})

t.test('a list of bad elements costs one issue, where z.array gave three per element', async (t) => {
  const data = Array.from({ length: 10_000 }, () => ({ p: 'x' }))
  t.equal(z.array(Element).safeParse(data).error?.issues.length, 30_000, 'the cost this avoids')
  const r = liste(Element, 10_000).safeParse(data)
  t.equal(r.error?.issues.length, 1)
  t.same(r.error?.issues[0]?.path, [0, 'a'], 'it says where the first fault is')
})

t.test('nested: a bad element deep inside stops every level at once', async (t) => {
  const Ytre = liste(z.object({ indre: liste(Element, 1000) }), 1000)
  const data = Array.from({ length: 100 }, () => ({ indre: Array.from({ length: 100 }, () => ({})) }))
  const r = Ytre.safeParse(data)
  t.equal(r.error?.issues.length, 1)
  t.same(r.error?.issues[0]?.path, [0, 'indre', 0, 'a'])
})

t.test('optional and default still work on it', async (t) => {
  t.same(z.object({ l: liste(z.string(), 2).optional() }).parse({}), {})
  t.same(z.object({ l: liste(z.string(), 2).default([]) }).parse({}), { l: [] })
})
