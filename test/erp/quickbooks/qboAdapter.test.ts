import { erpContractSuite } from '../erpContractSuite.ts'
import { startQboPeer } from './qboPeer.ts'

erpContractSuite({ name: 'quickbooks', start: startQboPeer })
