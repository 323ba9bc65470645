// A readable invoice as a PDF: the same InvoicePage, sections and cell texts as the HTML page
// (invoiceHtml.ts), drawn on A4 with pdf-lib's standard fonts (Helvetica, Helvetica-Bold), so
// no font file ships and the output is small. Header with seller and customer, the lines table
// grouped by section (its header repeated on every page), totals, credit notes, payments, a
// "Page i of n" footer, and a large DRAFT or VOID mark across every page of such invoices.
//
// NOTE: the standard fonts only encode WinAnsi (Latin-1 plus a few typographic characters).
// pdf-lib throws on anything else, so every string goes through `encodable` first: characters
// outside WinAnsi (CJK, emoji, controls) become '?', rather than failing the whole invoice.
// Embedding a Unicode font (and fontkit) would keep them, at ~1 MB per font per PDF.
import { degrees, PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage, type RGB } from 'pdf-lib'
import type { InvoiceLine } from '../invoices.ts'
import { encodable, wrap, type Fonts } from './pdfText.ts'
import { customerDetailLines, taxNote, totalRows } from './invoiceTaxText.ts'
import { balanceRow, creditNoteText, type InvoicePage, invoiceSections, invoiceTitle, lineMetric, linePeriod, paymentText } from './invoiceHtml.ts'

// Geometry in PDF points (1/72 inch); y grows upwards from the bottom edge.
const A4 = { width: 595.28, height: 841.89 }
const MARGIN = 40
const CONTENT_WIDTH = A4.width - 2 * MARGIN
/** Nothing but the footer goes below this line. */
const BOTTOM = 64
const FOOTER_Y = 36
/** Table cells: font size and padding in points, leading as a multiple of the font size. */
const CELL = { size: 8.5, leading: 1.3, padX: 4, padY: 4 }
/** Numbers shrink down to this size before they wrap; they are never truncated. */
const MIN_NUMBER_SIZE = 6

const INK = rgb(0.13, 0.13, 0.13)
const MUTED = rgb(0.45, 0.45, 0.45)
const RULE = rgb(0.85, 0.85, 0.85)
const SHADE = rgb(0.95, 0.95, 0.95)
const MARK = { draft: rgb(0.85, 0.45, 0.05), void: rgb(0.8, 0.1, 0.1) }

interface Column {
  title: string
  width: number
  align: 'left' | 'right'
  /** Text columns wrap to this many lines, the last one ending in an ellipsis if cut; numbers never are. */
  maxLines: number
}

// 515 points in all. At 8.5 pt a period ("2026-10-01 – 2026-11-01", 96 pt) and a metric such
// as "api_call_count v1" (66 pt) fit on one line.
const COLUMNS: Column[] = [
  { title: 'Description', width: 147, align: 'left', maxLines: 3 },
  { title: 'Period', width: 106, align: 'left', maxLines: 2 },
  { title: 'Quantity', width: 58, align: 'right', maxLines: 0 },
  { title: 'Unit price', width: 56, align: 'right', maxLines: 0 },
  { title: 'Metric', width: 76, align: 'left', maxLines: 2 },
  { title: 'Amount', width: 72, align: 'right', maxLines: 0 },
]

/** A number cell: its own size (shrunk to fit, down to MIN_NUMBER_SIZE) and, if still too wide, split across lines. */
function fitNumber(text: string, font: PDFFont, width: number): { lines: string[]; size: number } {
  let size = CELL.size
  while (size > MIN_NUMBER_SIZE && font.widthOfTextAtSize(text, size) > width) size -= 0.5
  return { lines: wrap(text, font, size, width, Number.POSITIVE_INFINITY), size }
}

interface Cell {
  lines: string[]
  size: number
  font: PDFFont
  color: RGB
}

/** Pages, the cursor on the current one, and the drawing primitives the sections share. */
class Writer {
  readonly pages: PDFPage[] = []
  page!: PDFPage
  y = 0

  constructor(
    readonly doc: PDFDocument,
    readonly fonts: Fonts,
  ) {
    this.newPage()
  }

  newPage(): void {
    this.page = this.doc.addPage([A4.width, A4.height])
    this.pages.push(this.page)
    this.y = A4.height - MARGIN
  }

  /** Starts a new page (then calls `onNewPage`, e.g. to repeat a table header) unless `height` fits. */
  ensure(height: number, onNewPage?: () => void): void {
    if (this.y - height >= BOTTOM) return
    this.newPage()
    onNewPage?.()
  }

  /** One line at a baseline; with `right`, `x` is where the text ends (measured, for amounts). */
  text(raw: string, x: number, y: number, opts: { font?: PDFFont; size?: number; color?: RGB; right?: boolean } = {}): void {
    const font = opts.font ?? this.fonts.regular
    const size = opts.size ?? CELL.size
    const text = encodable(this.fonts, raw)
    this.page.drawText(text, { x: opts.right ? x - font.widthOfTextAtSize(text, size) : x, y, font, size, color: opts.color ?? INK })
  }

  /** A paragraph wrapped to `width`, from the cursor down (breaking pages as needed). */
  paragraph(raw: string, opts: { font?: PDFFont; size?: number; color?: RGB; x?: number; width?: number } = {}): void {
    const font = opts.font ?? this.fonts.regular
    const size = opts.size ?? 9
    const leading = size * 1.3
    for (const line of wrap(encodable(this.fonts, raw), font, size, opts.width ?? CONTENT_WIDTH, Number.POSITIVE_INFINITY)) {
      this.ensure(leading)
      this.y -= leading
      this.page.drawText(line, { x: opts.x ?? MARGIN, y: this.y + size * 0.25, font, size, color: opts.color ?? INK })
    }
  }

  /** One table row of cells (one per column), with a rule underneath and an optional shade. */
  row(cells: Cell[], opts: { shade?: RGB } = {}): void {
    const height = rowHeight(cells)
    const top = this.y
    if (opts.shade) this.page.drawRectangle({ x: MARGIN, y: top - height, width: CONTENT_WIDTH, height, color: opts.shade })
    let x = MARGIN
    cells.forEach((cell, i) => {
      const col = COLUMNS[i]!
      cell.lines.forEach((line, n) => {
        const y = top - CELL.padY - (n + 0.75) * cell.size * CELL.leading
        if (col.align === 'right')
          this.page.drawText(line, {
            x: x + col.width - CELL.padX - cell.font.widthOfTextAtSize(line, cell.size),
            y,
            font: cell.font,
            size: cell.size,
            color: cell.color,
          })
        else this.page.drawText(line, { x: x + CELL.padX, y, font: cell.font, size: cell.size, color: cell.color })
      })
      x += col.width
    })
    this.page.drawLine({ start: { x: MARGIN, y: top - height }, end: { x: MARGIN + CONTENT_WIDTH, y: top - height }, thickness: 0.5, color: RULE })
    this.y = top - height
  }
}

function rowHeight(cells: Cell[]): number {
  return 2 * CELL.padY + Math.max(...cells.map((c) => Math.max(1, c.lines.length) * c.size * CELL.leading))
}

function lineCells(w: Writer, l: InvoiceLine): Cell[] {
  const { regular } = w.fonts
  const inner = (i: number) => COLUMNS[i]!.width - 2 * CELL.padX
  const textCell = (i: number, raw: string, opts: { color?: RGB; tail?: string } = {}): Cell => ({
    lines: wrap(encodable(w.fonts, raw), regular, CELL.size, inner(i), COLUMNS[i]!.maxLines, opts.tail),
    size: CELL.size,
    font: regular,
    color: opts.color ?? INK,
  })
  const numberCell = (i: number, raw: string): Cell => ({ ...fitNumber(encodable(w.fonts, raw), regular, inner(i)), font: regular, color: INK })
  return [
    textCell(0, l.description, { tail: l.tier !== null ? `(tier ${l.tier})` : '' }),
    textCell(1, linePeriod(l)),
    numberCell(2, l.quantity),
    numberCell(3, l.unitPrice ?? ''),
    textCell(4, lineMetric(l), { color: MUTED }),
    numberCell(5, l.amount),
  ]
}

function drawHeader(w: Writer, p: InvoicePage): void {
  const { bold } = w.fonts
  const top = w.y
  w.text(invoiceTitle(p.invoice), MARGIN, top - 20, { font: bold, size: 20 })
  const status = p.invoice.status
  const facts: [string, string][] = [
    ['Status', status],
    ['Billing date', p.invoice.billingDate],
    ['Due date', p.invoice.dueDate],
  ]
  if (p.replaces) facts.push(['Replaces invoice', String(p.replaces.displayNumber ?? p.replaces.number ?? p.replaces.id)])
  if (p.invoice.voidReason) facts.push(['Void reason', p.invoice.voidReason])
  // Left half: the facts, each value wrapped short of the right half (a void reason may be long).
  const split = 300
  w.y = top - 30
  for (const [label, value] of facts) {
    w.y -= 13
    w.text(`${label}:`, MARGIN, w.y, { color: MUTED, size: 9 })
    const font = label === 'Status' ? bold : w.fonts.regular
    const color = label === 'Status' && (status === 'draft' || status === 'void') ? MARK[status] : INK
    wrap(encodable(w.fonts, value), font, 9, split - 62 - 12, 3).forEach((line, n) => {
      if (n > 0) w.y -= 11.5
      w.page.drawText(line, { x: MARGIN + 62, y: w.y, font, size: 9, color })
    })
  }
  const left = w.y

  // Right half: From / Bill to, wrapped to its width.
  const x = MARGIN + split
  const width = CONTENT_WIDTH - split
  w.y = top
  const block = (label: string, lines: [string, RGB][]) => {
    w.paragraph(label, { x, width, font: bold, size: 9, color: MUTED })
    for (const [line, color] of lines) w.paragraph(line, { x, width, size: 10, color })
    w.y -= 6
  }
  block('From', [
    [p.seller, INK],
    ...(p.sellerDetails ?? '')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l): [string, RGB] => [l, MUTED]),
  ])
  block('Bill to', [
    [p.customer.name, INK],
    [p.customer.externalId, MUTED],
    ...(p.customer.email ? [[p.customer.email, INK] as [string, RGB]] : []),
    ...customerDetailLines(p.customer).map((l): [string, RGB] => [l, INK]),
  ])
  w.paragraph(`Contract ${p.contract.name}`, { x, width, size: 9, color: MUTED })
  w.y = Math.min(left, w.y) - 24
}

function drawLines(w: Writer, p: InvoicePage): void {
  const { bold } = w.fonts
  const headerCells: Cell[] = COLUMNS.map((c) => ({
    lines: [c.title === 'Amount' ? `Amount (${encodable(w.fonts, p.invoice.currency)})` : c.title],
    size: CELL.size,
    font: bold,
    color: INK,
  }))
  const heading = (text: string): Cell[] => [{ lines: [encodable(w.fonts, text)], size: CELL.size, font: bold, color: INK }]
  w.row(headerCells, { shade: SHADE })
  for (const section of invoiceSections(p.lines)) {
    const first = lineCells(w, section.lines[0]!)
    // A section heading never ends a page alone: it moves with its first line.
    w.ensure(rowHeight(heading(section.heading)) + rowHeight(first), () => w.row(headerCells, { shade: SHADE }))
    w.row(heading(section.heading), { shade: SHADE })
    for (const line of section.lines) {
      const cells = line === section.lines[0] ? first : lineCells(w, line)
      w.ensure(rowHeight(cells), () => {
        w.row(headerCells, { shade: SHADE })
        w.row(heading(`${section.heading} (continued)`), { shade: SHADE })
      })
      w.row(cells)
    }
  }
}

function drawTotals(w: Writer, p: InvoicePage): void {
  const cur = p.invoice.currency
  const rows: [string, string, boolean][] = [
    ...totalRows(p.invoice, p.taxes),
    ['Credited', p.balance.credited, false],
    ['Paid', p.balance.paid, false],
    [...balanceRow(p.balance.due), true],
  ]
  const leading = 15
  w.ensure(12 + rows.length * leading)
  w.y -= 12
  const right = MARGIN + CONTENT_WIDTH - CELL.padX
  // Labels end 130 pt left of the amounts' right edge, or further left for a very long amount.
  const widest = Math.max(...rows.map(([, amount]) => w.fonts.bold.widthOfTextAtSize(encodable(w.fonts, `${amount} ${cur}`), 10)))
  const labelsEnd = right - Math.max(130, widest + 20)
  for (const [label, amount, strong] of rows) {
    w.y -= leading
    const font = strong ? w.fonts.bold : w.fonts.regular
    w.text(label, labelsEnd, w.y, { font, size: 10, right: true })
    w.text(`${amount} ${cur}`, right, w.y, { font, size: 10, right: true })
  }
}

function drawList(w: Writer, title: string, items: string[]): void {
  if (items.length === 0) return
  w.ensure(16 + 11 * 1.3 + 4 + 9 * 1.3) // the title moves with the first item
  w.y -= 16
  w.paragraph(title, { font: w.fonts.bold, size: 11 })
  w.y -= 4
  for (const item of items) w.paragraph(`• ${item}`, { size: 9 })
}

/** Footer on every page, and the DRAFT / VOID mark across it (drawn last, over the content, translucent). */
function finishPages(w: Writer, p: InvoicePage): void {
  const status = p.invoice.status
  const mark = status === 'draft' ? 'DRAFT' : status === 'void' ? 'VOID' : null
  const title = encodable(w.fonts, `${invoiceTitle(p.invoice)} · ${p.customer.name}`)
  w.pages.forEach((page, i) => {
    page.drawText(title, { x: MARGIN, y: FOOTER_Y, font: w.fonts.regular, size: 8, color: MUTED })
    const label = `Page ${i + 1} of ${w.pages.length}`
    page.drawText(label, { x: MARGIN + CONTENT_WIDTH - w.fonts.regular.widthOfTextAtSize(label, 8), y: FOOTER_Y, font: w.fonts.regular, size: 8, color: MUTED })
    if (mark === null) return
    // Centred on the page, rotated 45° about its own baseline origin.
    const size = 120
    const half = { w: w.fonts.bold.widthOfTextAtSize(mark, size) / 2, h: w.fonts.bold.heightAtSize(size, { descender: false }) / 2 }
    const c = Math.SQRT1_2
    page.drawText(mark, {
      x: A4.width / 2 - (half.w * c - half.h * c),
      y: A4.height / 2 - (half.w * c + half.h * c),
      font: w.fonts.bold,
      size,
      color: MARK[status as 'draft' | 'void'],
      opacity: 0.12,
      rotate: degrees(45),
    })
  })
}

/**
 * The invoice as PDF bytes. Deterministic: the same page gives the same bytes, because the
 * metadata dates come from the invoice (created: finalized_at, or created_at for drafts;
 * modified: the latest change shown) and pdf-lib writes no random document id.
 */
export async function renderInvoicePdf(p: InvoicePage): Promise<Uint8Array> {
  // updateMetadata: false, or pdf-lib stamps its own producer and the current time.
  const doc = await PDFDocument.create({ updateMetadata: false })
  const regular = await doc.embedFont(StandardFonts.Helvetica)
  const bold = await doc.embedFont(StandardFonts.HelveticaBold)
  const fonts: Fonts = { regular, bold, charset: new Set(regular.getCharacterSet()) }

  const title = invoiceTitle(p.invoice)
  doc.setTitle(`${title} – ${p.customer.name}`)
  doc.setSubject(`${title} from ${p.seller} to ${p.customer.name}, ${p.invoice.total} ${p.invoice.currency}`)
  doc.setAuthor(p.seller)
  doc.setCreator('Tally')
  doc.setProducer('Tally (pdf-lib)')
  doc.setLanguage('en')
  const created = p.invoice.finalizedAt ?? p.invoice.createdAt
  const changes = [
    created,
    p.invoice.ratedAt,
    p.invoice.paidAt,
    p.invoice.voidedAt,
    ...p.creditNotes.map((n) => n.createdAt),
    ...p.payments.map((x) => x.createdAt),
  ]
  doc.setCreationDate(new Date(created))
  doc.setModificationDate(new Date(changes.filter((d): d is string => d !== null).reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a))))

  const w = new Writer(doc, fonts)
  drawHeader(w, p)
  drawLines(w, p)
  drawTotals(w, p)
  const note = taxNote(p.taxes, p.customer)
  if (note !== null) drawList(w, 'Tax', [note])
  drawList(
    w,
    'Credit notes',
    p.creditNotes.map((n) => creditNoteText(n, p.invoice.currency)),
  )
  drawList(
    w,
    'Payments',
    p.payments.map((x) => paymentText(x, p.invoice.currency)),
  )
  finishPages(w, p)
  return doc.save()
}
