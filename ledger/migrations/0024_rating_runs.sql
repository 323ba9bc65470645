CREATE TABLE "rating_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"actor" text NOT NULL,
	"period" text,
	"contract_id" text,
	"as_of" timestamp (3) with time zone NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp (3) with time zone NOT NULL,
	"finished_at" timestamp (3) with time zone,
	"contracts_rated" integer,
	"invoices_drafted" integer,
	"invoices_finalized" integer,
	"skipped" integer,
	"unbilled_usage" integer,
	"held_for_review" integer,
	"error_code" text,
	"error_message" text,
	CONSTRAINT "rating_runs_status" CHECK ("rating_runs"."status" in ('running', 'succeeded', 'failed', 'abandoned')),
	CONSTRAINT "rating_runs_trigger" CHECK ("rating_runs"."trigger" in ('api', 'scheduler'))
);
--> statement-breakpoint
ALTER TABLE "rating_runs" ADD CONSTRAINT "rating_runs_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rating_runs_org_started" ON "rating_runs" USING btree ("org_id","started_at","id");