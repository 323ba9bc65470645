import type { Command } from '../command.ts'
import { required } from '../command.ts'
import { pricePreview } from '../pricePreview.ts'

export const pricePreviewCommand: Command = {
  path: ['price', 'preview'],
  summary: 'Price a quantity with a price definition and show the line-by-line breakdown',
  usage: '--price price.json (--quantity 1234 [--billed-quantity 900] | --quantities quantities.json)',
  example: 'tally price preview --price tiered.json --quantity 750',
  options: { price: { type: 'string' }, quantity: { type: 'string' }, quantities: { type: 'string' }, 'billed-quantity': { type: 'string' } },
  async run(ctx) {
    await pricePreview(
      {
        price: required(ctx, 'price'),
        ...(typeof ctx.values.quantity === 'string' ? { quantity: ctx.values.quantity } : {}),
        ...(typeof ctx.values.quantities === 'string' ? { quantities: ctx.values.quantities } : {}),
        ...(typeof ctx.values['billed-quantity'] === 'string' ? { billedQuantity: ctx.values['billed-quantity'] } : {}),
      },
      ctx.out,
    )
  },
}
