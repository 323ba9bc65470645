-- Archiving a billable metric hides it from lists and refuses it for new plans and contracts;
-- its versions stay readable for the invoice lines that recorded them (sql/README.md).
ALTER TABLE "billable_metrics" ADD COLUMN "archived_at" timestamp with time zone;