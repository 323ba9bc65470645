ALTER TABLE "invoices" DROP CONSTRAINT "invoices_contract_billing_date_unique";--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "replaces_invoice_id" uuid;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_replaces_invoice_id_invoices_id_fk" FOREIGN KEY ("replaces_invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_contract_billing_date_live" ON "invoices" USING btree ("contract_id","billing_date") WHERE status <> 'void';--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_replaces_invoice_id_unique" ON "invoices" USING btree ("replaces_invoice_id");