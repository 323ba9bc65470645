// Every stage, in run order.
import { batchStage, embeddedStage, eventLogStage, gatewayStage, type Stage } from './stages.ts'
import { writerStage } from './writerStage.ts'
import { queryStage } from './queryStage.ts'
import { kafkaStages } from './kafkaStages.ts'
import { ratingStage } from './ratingStage.ts'
import { sharingStage } from './sharingStage.ts'
import { erpStage } from './erpStage.ts'
import { sourceSyncStage } from './sourceSyncStage.ts'
import { pricingStage } from './pricingStage.ts'

export function stageList(): Stage[] {
  const [producerStage, kafkaEndToEndStage] = kafkaStages
  return [
    gatewayStage,
    batchStage,
    producerStage!,
    writerStage,
    kafkaEndToEndStage!,
    embeddedStage,
    queryStage,
    ratingStage,
    sharingStage,
    erpStage,
    eventLogStage,
    sourceSyncStage,
    pricingStage,
  ].sort((a, b) => Number(a.id) - Number(b.id))
}
