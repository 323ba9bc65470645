ALTER TABLE "billable_metric_versions" DROP CONSTRAINT "billable_metric_versions_mode";--> statement-breakpoint
ALTER TABLE "billable_metric_versions" ADD COLUMN "source_id" uuid;--> statement-breakpoint
ALTER TABLE "billable_metric_versions" ADD COLUMN "grouped_query" text;--> statement-breakpoint
ALTER TABLE "billable_metric_versions" ADD CONSTRAINT "billable_metric_versions_remote_source" CHECK (("billable_metric_versions"."mode" = 'remote') = ("billable_metric_versions"."source_id" is not null));--> statement-breakpoint
ALTER TABLE "billable_metric_versions" ADD CONSTRAINT "billable_metric_versions_mode" CHECK ("billable_metric_versions"."mode" in ('builder', 'sql', 'remote'));