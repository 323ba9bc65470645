CREATE TABLE "billing_entities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"legal_details" text,
	"invoice_prefix" text,
	"credit_note_prefix" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billing_entities_org_name_unique" UNIQUE("org_id","name")
);
--> statement-breakpoint
CREATE TABLE "billing_entity_counters" (
	"billing_entity_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"last" integer NOT NULL,
	CONSTRAINT "billing_entity_counters_billing_entity_id_kind_pk" PRIMARY KEY("billing_entity_id","kind")
);
--> statement-breakpoint
ALTER TABLE "credit_notes" DROP CONSTRAINT "credit_notes_org_number_unique";--> statement-breakpoint
ALTER TABLE "invoices" DROP CONSTRAINT "invoices_org_number_unique";--> statement-breakpoint
ALTER TABLE "credit_notes" ADD COLUMN "billing_entity_id" uuid;--> statement-breakpoint
ALTER TABLE "credit_notes" ADD COLUMN "display_number" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "billing_entity_id" uuid;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "billing_entity_id" uuid;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "display_number" text;--> statement-breakpoint
ALTER TABLE "billing_entities" ADD CONSTRAINT "billing_entities_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_entity_counters" ADD CONSTRAINT "billing_entity_counters_billing_entity_id_billing_entities_id_fk" FOREIGN KEY ("billing_entity_id") REFERENCES "public"."billing_entities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_notes" ADD CONSTRAINT "credit_notes_billing_entity_id_billing_entities_id_fk" FOREIGN KEY ("billing_entity_id") REFERENCES "public"."billing_entities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_billing_entity_id_billing_entities_id_fk" FOREIGN KEY ("billing_entity_id") REFERENCES "public"."billing_entities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_billing_entity_id_billing_entities_id_fk" FOREIGN KEY ("billing_entity_id") REFERENCES "public"."billing_entities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "credit_notes_org_entity_number_unique" ON "credit_notes" USING btree ("org_id",coalesce("billing_entity_id", '00000000-0000-0000-0000-000000000000'::uuid),"number");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_org_entity_number_unique" ON "invoices" USING btree ("org_id",coalesce("billing_entity_id", '00000000-0000-0000-0000-000000000000'::uuid),"number");