ALTER TABLE "accounts" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "api_keys" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "billable_metric_versions" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "billable_metrics" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "billing_entities" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "contracts" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "credit_grant_entries" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "credit_grants" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "credit_notes" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "currencies" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "customers" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "erp_connections" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "erp_outbox" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "invoices" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "journal_entries" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "organisations" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "payments" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "plans" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "product_revenue_accounts" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "products" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "raw_metrics" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "revenue_schedules" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "source_connections" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "source_syncs" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "tax_rates" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
-- A journal entry's created_at is the poster's clock (journals.ts), no longer overwritten with
-- transaction_timestamp() (the database's clock, 0009). What it proved stays: a line is refused
-- unless its entry was inserted by this very transaction, now told by the entry row's xmin
-- (the xid that inserted it) against this transaction's xid (txid_current() carries an epoch
-- above the 32-bit xid). Entries are posted without savepoints, so the inserting xid is the
-- top-level one; a savepoint around a posting would be refused here, loudly, not let through.
CREATE OR REPLACE FUNCTION tally_journal_entry_insert() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM accounting_periods
             WHERE org_id = NEW.org_id AND period = to_char(NEW.posted_on, 'YYYY-MM') AND status = 'closed') THEN
    RAISE EXCEPTION 'period % is closed; post into the first open period', to_char(NEW.posted_on, 'YYYY-MM')
      USING ERRCODE = '55000';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_journal_line_insert() RETURNS trigger AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM journal_entries
                 WHERE id = NEW.entry_id AND org_id = NEW.org_id AND xmin::text = (txid_current() % 4294967296)::text) THEN
    RAISE EXCEPTION 'journal entry % was posted by another transaction (or belongs to another organisation); its lines never change', NEW.entry_id
      USING ERRCODE = '55000';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
