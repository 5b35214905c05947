// Money arrives from core as a decimal string in yuan ("1234.50"). It is formatted with string
// operations only — never parsed into a float.

/** "1234.5" → "¥1,234.50"; "-0.05" → "-¥0.05". Returns the input unchanged if it is not a decimal. */
export function formatMoney(plain: string | null | undefined): string {
  if (plain == null) return "—";
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(plain.trim());
  if (!m) return plain;
  const [, sign, int, frac = ""] = m;
  const grouped = int.replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}¥${grouped}.${frac.padEnd(2, "0")}`;
}

/** A share "0.7000" → "70.0%" (one decimal, by string arithmetic on basis points). */
export function formatShare(share: string | null | undefined): string {
  if (share == null) return "—";
  const m = /^(\d+)\.(\d{4})$/.exec(share.trim());
  if (!m) return share;
  const basis = Number.parseInt(m[1] + m[2], 10); // integer basis points, exact
  return `${Math.floor(basis / 100)}.${Math.floor((basis % 100) / 10)}%`;
}

/** Share as a width percentage for bars (display only, not money). */
export function shareWidth(share: string | null | undefined): string {
  if (share == null) return "0%";
  const m = /^(\d+)\.(\d{4})$/.exec(share.trim());
  if (!m) return "0%";
  const basis = Number.parseInt(m[1] + m[2], 10);
  return `${basis / 100}%`;
}
