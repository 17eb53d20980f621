/** "1 cluster", "2 clusters": a count with its noun, for every summary line and report heading. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
