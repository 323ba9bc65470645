CREATE TABLE "billable_metric_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"metric_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"unit" text NOT NULL,
	"description" text,
	"mode" text NOT NULL,
	"builder" jsonb,
	"raw_metrics" jsonb NOT NULL,
	"aggregate_query" text,
	"customer_query" text NOT NULL,
	"dimensions" jsonb NOT NULL,
	"parameters" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billable_metric_versions_metric_version_unique" UNIQUE("metric_id","version"),
	CONSTRAINT "billable_metric_versions_version_positive" CHECK ("billable_metric_versions"."version" >= 1),
	CONSTRAINT "billable_metric_versions_mode" CHECK ("billable_metric_versions"."mode" in ('builder', 'sql'))
);
--> statement-breakpoint
CREATE TABLE "billable_metrics" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billable_metrics_org_name_unique" UNIQUE("org_id","name"),
	CONSTRAINT "billable_metrics_name_format" CHECK ("billable_metrics"."name" ~ '^[a-z][a-z0-9_]{0,62}$')
);
--> statement-breakpoint
ALTER TABLE "billable_metric_versions" ADD CONSTRAINT "billable_metric_versions_metric_id_billable_metrics_id_fk" FOREIGN KEY ("metric_id") REFERENCES "public"."billable_metrics"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billable_metrics" ADD CONSTRAINT "billable_metrics_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;