// Byte counts as the size and delta reports print them (decimal units, as the Snap Store shows sizes).
const MB = 1_000_000;

export function formatBytes(n: number): string {
  return n >= MB ? `${(n / MB).toFixed(2)} MB` : n >= 1000 ? `${(n / 1000).toFixed(1)} kB` : `${n} B`;
}
