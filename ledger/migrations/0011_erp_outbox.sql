-- ERP sync (issue 15): erp_connections (an organisation's ERP tenant, its credentials sealed with
-- AES-256-GCM, its account mapping) and erp_outbox, the transactional outbox (DESIGN invariant 8):
-- one row per document and connection, written with the ledger change that causes it, unique per
-- (connection, kind, tally id) so a document is queued once, sent with its stable idempotency key.
CREATE TABLE "erp_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"type" text NOT NULL,
	"tenant_id" text NOT NULL,
	"base_url" text NOT NULL,
	"credentials" text NOT NULL,
	"account_map" jsonb NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "erp_connections_type" CHECK ("erp_connections"."type" in ('xero', 'quickbooks', 'netsuite')),
	CONSTRAINT "erp_connections_status" CHECK ("erp_connections"."status" in ('active', 'disabled'))
);
--> statement-breakpoint
CREATE TABLE "erp_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"tally_id" text NOT NULL,
	"snapshot" jsonb NOT NULL,
	"idempotency_key" text NOT NULL,
	"depends_on" uuid,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"erp_id" text,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "erp_outbox_document_unique" UNIQUE("connection_id","kind","tally_id"),
	CONSTRAINT "erp_outbox_idempotency_key_unique" UNIQUE("idempotency_key"),
	CONSTRAINT "erp_outbox_kind" CHECK ("erp_outbox"."kind" in ('customer', 'invoice', 'invoice_void', 'payment', 'credit_note', 'journal')),
	CONSTRAINT "erp_outbox_status" CHECK ("erp_outbox"."status" in ('pending', 'sent', 'failed')),
	CONSTRAINT "erp_outbox_sent_has_erp_id" CHECK ("erp_outbox"."status" <> 'sent' or "erp_outbox"."erp_id" is not null)
);
--> statement-breakpoint
ALTER TABLE "erp_connections" ADD CONSTRAINT "erp_connections_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erp_outbox" ADD CONSTRAINT "erp_outbox_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erp_outbox" ADD CONSTRAINT "erp_outbox_connection_id_erp_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."erp_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erp_outbox" ADD CONSTRAINT "erp_outbox_depends_on_erp_outbox_id_fk" FOREIGN KEY ("depends_on") REFERENCES "public"."erp_outbox"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "erp_connections_org" ON "erp_connections" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "erp_outbox_due" ON "erp_outbox" USING btree ("connection_id","status","next_attempt_at");