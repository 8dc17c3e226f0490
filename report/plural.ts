/** "1 file", "3 files", "1,024 municipalities": a count and its noun. */
export function plural(n: number, one: string, many = `${one}s`, show: (n: number) => string = String): string {
  return `${show(n)} ${n === 1 ? one : many}`;
}
