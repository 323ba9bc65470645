CREATE TABLE "credit_grant_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"grant_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"amount" numeric NOT NULL,
	"effective_date" date NOT NULL,
	"memo" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_grant_entries_kind" CHECK ("credit_grant_entries"."kind" in ('grant', 'top_up', 'expire', 'void')),
	CONSTRAINT "credit_grant_entries_amount" CHECK ("credit_grant_entries"."amount" >= 0)
);
--> statement-breakpoint
CREATE TABLE "credit_grants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"amount" numeric NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"effective_date" date NOT NULL,
	"expiry_date" date,
	"status" text DEFAULT 'active' NOT NULL,
	"source" text DEFAULT 'api' NOT NULL,
	"memo" text,
	"voided_at" timestamp with time zone,
	"void_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_grants_status" CHECK ("credit_grants"."status" in ('active', 'expired', 'void')),
	CONSTRAINT "credit_grants_source" CHECK ("credit_grants"."source" in ('api')),
	CONSTRAINT "credit_grants_amount_positive" CHECK ("credit_grants"."amount" > 0),
	CONSTRAINT "credit_grants_priority" CHECK ("credit_grants"."priority" >= 0),
	CONSTRAINT "credit_grants_expiry_after_effective" CHECK ("credit_grants"."expiry_date" is null or "credit_grants"."expiry_date" > "credit_grants"."effective_date"),
	CONSTRAINT "credit_grants_void" CHECK (("credit_grants"."status" = 'void') = ("credit_grants"."voided_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "credit_grant_entries" ADD CONSTRAINT "credit_grant_entries_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_grant_entries" ADD CONSTRAINT "credit_grant_entries_grant_id_credit_grants_id_fk" FOREIGN KEY ("grant_id") REFERENCES "public"."credit_grants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_grants" ADD CONSTRAINT "credit_grants_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_grants" ADD CONSTRAINT "credit_grants_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "credit_grant_entries_grant" ON "credit_grant_entries" USING btree ("grant_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_grant_entries_once" ON "credit_grant_entries" USING btree ("grant_id","kind") WHERE kind <> 'top_up';--> statement-breakpoint
CREATE INDEX "credit_grants_customer" ON "credit_grants" USING btree ("org_id","customer_id");