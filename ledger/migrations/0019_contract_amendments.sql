CREATE TABLE "contract_amendments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"contract_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"kind" text NOT NULL,
	"actor" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"request" jsonb NOT NULL,
	"before" jsonb NOT NULL,
	"after" jsonb NOT NULL,
	CONSTRAINT "contract_amendments_kind" CHECK ("contract_amendments"."kind" in ('end_date', 'terminate', 'phase_added', 'phase_edited', 'phase_deleted')),
	CONSTRAINT "contract_amendments_version_positive" CHECK ("contract_amendments"."version" >= 1)
);
--> statement-breakpoint
ALTER TABLE "contracts" ADD COLUMN "end_proration" text DEFAULT 'prorate' NOT NULL;--> statement-breakpoint
ALTER TABLE "contract_amendments" ADD CONSTRAINT "contract_amendments_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_amendments" ADD CONSTRAINT "contract_amendments_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "contract_amendments_version" ON "contract_amendments" USING btree ("contract_id","version");--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_end_proration" CHECK ("contracts"."end_proration" in ('prorate', 'none'));