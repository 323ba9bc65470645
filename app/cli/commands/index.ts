import type { Command } from '../command.ts'
import { chargesAddCommand, chargesListCommand } from './charges.ts'
import { contractsAmendCommand, contractsAmendmentsCommand, contractsTerminateCommand } from './contractAmendments.ts'
import {
  contractsCreateCommand,
  contractsListCommand,
  invoicesFinalizeCommand,
  invoicesListCommand,
  invoicesPdfCommand,
  invoicesReissueCommand,
  plansCreateCommand,
  plansListCommand,
  productsCreateCommand,
  productsListCommand,
} from './billing.ts'
import { rateCommand } from './rate.ts'
import { ratingRunsCommand } from './ratingRuns.ts'
import { invoicesPreviewCommand } from './invoicePreview.ts'
import { accountsCreateCommand, accountsListCommand, accountsMapCommand, closeCommand, journalCommand, reopenCommand } from './accounting.ts'
import { erpConnectCommand, erpRetryCommand, erpStatusCommand, erpSyncCommand } from './erp.ts'
import {
  webhooksAddCommand,
  webhooksDeliveriesCommand,
  webhooksListCommand,
  webhooksRedeliverCommand,
  webhooksRemoveCommand,
  webhooksRotateSecretCommand,
} from './webhooks.ts'
import { alertsAddCommand, alertsEvaluateCommand, alertsListCommand, alertsRemoveCommand } from './alerts.ts'
import {
  sourcesAddCommand,
  sourcesAddSyncCommand,
  sourcesDiscoverCommand,
  sourcesListCommand,
  sourcesRemoveCommand,
  sourcesStatusCommand,
  sourcesSyncCommand,
  sourcesTestCommand,
} from './sources.ts'
import { exportJournalsCommand, exportNetSuiteCommand } from './export.ts'
import { arAgingCommand, deferredRevenueCommand, revenueCommand, trialBalanceCommand } from './reports.ts'
import { schedulerCommand } from './scheduler.ts'
import { configCheckCommand } from './configCheck.ts'
import { billingEntitiesAddCommand, billingEntitiesListCommand, billingEntitiesUpdateCommand } from './billingEntities.ts'
import { taxRatesAddCommand, taxRatesArchiveCommand, taxRatesListCommand, taxRatesProductCommand } from './taxRates.ts'
import { currenciesCreateCommand, currenciesListCommand } from './currencies.ts'
import { creditsExpireCommand, creditsGrantCommand, creditsListCommand, creditsTopUpCommand, creditsVoidCommand } from './credits.ts'
import { customersCreateCommand, customersListCommand, customersUnmatchedCommand, customersUpdateCommand } from './customers.ts'
import { demoCommand } from './demo.ts'
import { gatewayCommand } from './gateway.ts'
import { keysCreateCommand, keysListCommand, keysRevokeCommand } from './keys.ts'
import { meteringCommand } from './metering.ts'
import { metricsCreateCommand, metricsListCommand, metricsPreviewCommand, metricsShowCommand, metricsValidateCommand } from './metrics.ts'
import { metricsArchiveCommand, metricsDeleteCommand } from './metricsLifecycle.ts'
import { migrateCommand } from './migrate.ts'
import { orgsCreateCommand, orgsListCommand } from './orgs.ts'
import { pricePreviewCommand } from './pricePreview.ts'
import { rawMetricsCreateCommand, rawMetricsListCommand } from './rawMetrics.ts'
import { startCommand } from './start.ts'
import { usageUnbilledCommand } from './usage.ts'

/** Every `tally` command, in the order `tally --help` lists them. */
export const commands: Command[] = [
  startCommand,
  gatewayCommand,
  meteringCommand,
  migrateCommand,
  configCheckCommand,
  orgsCreateCommand,
  orgsListCommand,
  keysCreateCommand,
  keysListCommand,
  keysRevokeCommand,
  currenciesCreateCommand,
  currenciesListCommand,
  billingEntitiesAddCommand,
  billingEntitiesListCommand,
  billingEntitiesUpdateCommand,
  taxRatesAddCommand,
  taxRatesListCommand,
  taxRatesArchiveCommand,
  taxRatesProductCommand,
  customersCreateCommand,
  customersListCommand,
  customersUnmatchedCommand,
  customersUpdateCommand,
  usageUnbilledCommand,
  creditsGrantCommand,
  creditsListCommand,
  creditsTopUpCommand,
  creditsVoidCommand,
  creditsExpireCommand,
  rawMetricsCreateCommand,
  rawMetricsListCommand,
  metricsCreateCommand,
  metricsValidateCommand,
  metricsPreviewCommand,
  metricsListCommand,
  metricsShowCommand,
  metricsArchiveCommand,
  metricsDeleteCommand,
  demoCommand,
  pricePreviewCommand,
  productsCreateCommand,
  productsListCommand,
  plansCreateCommand,
  plansListCommand,
  contractsCreateCommand,
  contractsListCommand,
  contractsAmendCommand,
  contractsTerminateCommand,
  contractsAmendmentsCommand,
  chargesAddCommand,
  chargesListCommand,
  invoicesListCommand,
  invoicesFinalizeCommand,
  invoicesPdfCommand,
  invoicesReissueCommand,
  invoicesPreviewCommand,
  rateCommand,
  ratingRunsCommand,
  accountsListCommand,
  accountsCreateCommand,
  accountsMapCommand,
  journalCommand,
  closeCommand,
  reopenCommand,
  trialBalanceCommand,
  deferredRevenueCommand,
  revenueCommand,
  arAgingCommand,
  erpConnectCommand,
  erpSyncCommand,
  erpStatusCommand,
  erpRetryCommand,
  webhooksAddCommand,
  webhooksListCommand,
  webhooksRemoveCommand,
  webhooksRotateSecretCommand,
  webhooksDeliveriesCommand,
  webhooksRedeliverCommand,
  alertsAddCommand,
  alertsListCommand,
  alertsRemoveCommand,
  alertsEvaluateCommand,
  sourcesAddCommand,
  sourcesListCommand,
  sourcesTestCommand,
  sourcesDiscoverCommand,
  sourcesAddSyncCommand,
  sourcesSyncCommand,
  sourcesStatusCommand,
  sourcesRemoveCommand,
  exportJournalsCommand,
  exportNetSuiteCommand,
  schedulerCommand,
]
