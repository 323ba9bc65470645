CREATE TABLE "source_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"settings" jsonb NOT NULL,
	"credentials" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "source_connections_org_name" UNIQUE("org_id","name"),
	CONSTRAINT "source_connections_kind" CHECK ("source_connections"."kind" in ('postgres', 'mysql'))
);
--> statement-breakpoint
CREATE TABLE "source_sync_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"sync_id" uuid NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"full" boolean NOT NULL,
	"started_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	"finished_at" timestamp (3) with time zone,
	"checkpoint_from" text,
	"checkpoint_to" text,
	"rows_read" bigint DEFAULT 0 NOT NULL,
	"rows_accepted" bigint DEFAULT 0 NOT NULL,
	"rows_duplicate" bigint DEFAULT 0 NOT NULL,
	"rows_rejected" bigint DEFAULT 0 NOT NULL,
	"rejects" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"lag_ms" bigint,
	"error_code" text,
	"error_message" text,
	CONSTRAINT "source_sync_runs_status" CHECK ("source_sync_runs"."status" in ('running', 'succeeded', 'failed', 'interrupted'))
);
--> statement-breakpoint
CREATE TABLE "source_syncs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"name" text NOT NULL,
	"raw_metric" text NOT NULL,
	"spec" jsonb NOT NULL,
	"schedule" text,
	"checkpoint" text,
	"rows_below_window" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "source_syncs_org_name" UNIQUE("org_id","name")
);
--> statement-breakpoint
ALTER TABLE "source_connections" ADD CONSTRAINT "source_connections_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_sync_runs" ADD CONSTRAINT "source_sync_runs_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_sync_runs" ADD CONSTRAINT "source_sync_runs_sync_id_source_syncs_id_fk" FOREIGN KEY ("sync_id") REFERENCES "public"."source_syncs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_syncs" ADD CONSTRAINT "source_syncs_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_syncs" ADD CONSTRAINT "source_syncs_connection_id_source_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."source_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "source_sync_runs_sync" ON "source_sync_runs" USING btree ("sync_id","started_at");--> statement-breakpoint
CREATE INDEX "source_syncs_connection" ON "source_syncs" USING btree ("connection_id");