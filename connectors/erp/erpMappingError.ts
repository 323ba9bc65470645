// A document an adapter cannot map to its ERP as it stands (an account with no ERP account, a
// reference not sent yet, an amount the ERP would round): thrown by an adapter's mapping and
// documents, turned by its client into a `failed` outcome with this code before any request,
// so nothing is sent that the ERP would have to reject.
export class ErpMappingError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ErpMappingError'
  }
}
