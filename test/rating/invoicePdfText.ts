// Reads a generated PDF back with pdfjs-dist (Mozilla's PDF.js, the legacy build that runs on
// Node 20): every page's text items with their positions, as a reader's PDF viewer sees them.
import { getDocument, VerbosityLevel } from 'pdfjs-dist/legacy/build/pdf.mjs'

export interface PdfTextItem {
  str: string
  /** Left edge and baseline in PDF points (origin bottom left). */
  x: number
  y: number
  width: number
}

export interface PdfText {
  pages: PdfTextItem[][]
  /** Every page's non-empty items joined by newlines: for `toContain`. */
  text: string
  info: Record<string, unknown>
}

export async function pdfText(bytes: Uint8Array): Promise<PdfText> {
  // pdfjs takes ownership of (detaches) the buffer it is given: pass a copy.
  // Standard-font glyph data is only needed to draw, not to read text: errors only.
  const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, verbosity: VerbosityLevel.ERRORS }).promise
  try {
    const pages: PdfTextItem[][] = []
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await (await doc.getPage(n)).getTextContent()
      pages.push(
        content.items.flatMap((item) =>
          'str' in item && item.str.trim() !== '' ? [{ str: item.str, x: item.transform[4] as number, y: item.transform[5] as number, width: item.width }] : [],
        ),
      )
    }
    const { info } = await doc.getMetadata()
    return { pages, text: pages.map((items) => items.map((i) => i.str).join('\n')).join('\n'), info: info as Record<string, unknown> }
  } finally {
    await doc.destroy()
  }
}
