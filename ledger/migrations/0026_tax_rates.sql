CREATE TABLE "invoice_line_taxes" (
	"invoice_id" uuid NOT NULL,
	"invoice_line_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"tax_rate_id" uuid,
	"name" text NOT NULL,
	"percentage" numeric NOT NULL,
	"inclusive" boolean NOT NULL,
	"jurisdiction" text,
	"reverse_charge" boolean NOT NULL,
	"base" numeric NOT NULL,
	"amount" numeric NOT NULL,
	CONSTRAINT "invoice_line_taxes_invoice_line_id_pk" PRIMARY KEY("invoice_line_id"),
	CONSTRAINT "invoice_line_taxes_position" UNIQUE("invoice_id","position")
);
--> statement-breakpoint
CREATE TABLE "product_tax_rates" (
	"org_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"tax_rate_id" uuid NOT NULL,
	CONSTRAINT "product_tax_rates_org_id_product_id_pk" PRIMARY KEY("org_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "tax_rates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"percentage" numeric NOT NULL,
	"inclusive" boolean NOT NULL,
	"jurisdiction" text,
	"description" text,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tax_rates_org_name_unique" UNIQUE("org_id","name"),
	CONSTRAINT "tax_rates_percentage" CHECK ("tax_rates"."percentage" >= 0 and "tax_rates"."percentage" <= 100)
);
--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "tax_rate_id" uuid;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "tax_id" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "reverse_charge" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "address" jsonb;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "tax_total" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "invoice_line_taxes" ADD CONSTRAINT "invoice_line_taxes_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_line_taxes" ADD CONSTRAINT "invoice_line_taxes_invoice_line_id_invoice_lines_id_fk" FOREIGN KEY ("invoice_line_id") REFERENCES "public"."invoice_lines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_line_taxes" ADD CONSTRAINT "invoice_line_taxes_tax_rate_id_tax_rates_id_fk" FOREIGN KEY ("tax_rate_id") REFERENCES "public"."tax_rates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_tax_rates" ADD CONSTRAINT "product_tax_rates_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_tax_rates" ADD CONSTRAINT "product_tax_rates_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_tax_rates" ADD CONSTRAINT "product_tax_rates_tax_rate_id_tax_rates_id_fk" FOREIGN KEY ("tax_rate_id") REFERENCES "public"."tax_rates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tax_rates" ADD CONSTRAINT "tax_rates_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Tax is part of a finalized invoice's content (hand-added to the generated statements): the
-- guard (0002, with 0005's replaces_invoice_id) now also refuses a change of tax_total and of
-- display_number (0025), and a line's tax is written
-- only while its invoice is a draft (in the finalizing transaction, before the status changes).
CREATE OR REPLACE FUNCTION tally_invoice_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN
      RAISE EXCEPTION 'invoice % is %, it cannot be deleted', OLD.id, OLD.status USING ERRCODE = '55000';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status <> 'draft' AND (
       NEW.total IS DISTINCT FROM OLD.total OR NEW.content_hash IS DISTINCT FROM OLD.content_hash
    OR NEW.number IS DISTINCT FROM OLD.number OR NEW.rating_input IS DISTINCT FROM OLD.rating_input
    OR NEW.credit_draws IS DISTINCT FROM OLD.credit_draws OR NEW.billing_date IS DISTINCT FROM OLD.billing_date
    OR NEW.contract_id IS DISTINCT FROM OLD.contract_id OR NEW.currency IS DISTINCT FROM OLD.currency
    OR NEW.replaces_invoice_id IS DISTINCT FROM OLD.replaces_invoice_id
    OR NEW.tax_total IS DISTINCT FROM OLD.tax_total OR NEW.display_number IS DISTINCT FROM OLD.display_number) THEN
    RAISE EXCEPTION 'invoice % is %, its content cannot change', OLD.id, OLD.status USING ERRCODE = '55000';
  END IF;
  IF OLD.status <> NEW.status AND NOT (
       (OLD.status = 'draft' AND NEW.status = 'finalized')
    OR (OLD.status = 'finalized' AND NEW.status IN ('paid', 'void'))) THEN
    RAISE EXCEPTION 'invoice % cannot go from % to %', OLD.id, OLD.status, NEW.status USING ERRCODE = '55000';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_invoice_line_tax_guard() RETURNS trigger AS $$
DECLARE
  invoice_status text;
BEGIN
  SELECT status INTO invoice_status FROM invoices WHERE id = COALESCE(NEW.invoice_id, OLD.invoice_id);
  IF invoice_status IS NOT NULL AND invoice_status <> 'draft' THEN
    RAISE EXCEPTION 'invoice % is %, its tax cannot change', COALESCE(NEW.invoice_id, OLD.invoice_id), invoice_status USING ERRCODE = '55000';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER invoice_line_taxes_guard BEFORE INSERT OR UPDATE OR DELETE ON invoice_line_taxes FOR EACH ROW EXECUTE FUNCTION tally_invoice_line_tax_guard();
