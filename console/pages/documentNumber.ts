// What a finalized invoice or credit note is called on a page: its issuer's display number
// (the billing entity's prefix and the number padded to 6 digits, ledger/README.md "Numbering
// per issuer") where it has one, else the organisation's plain number.
export function documentNumber(d: { number: number | null; display_number?: string | undefined }): string {
  return d.display_number ?? String(d.number)
}
