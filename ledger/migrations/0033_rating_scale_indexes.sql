-- Issue 20: a rating chunk's reads, answered by an index instead of a scan that grows with the
-- ledger. invoices_contract: every invoice of the chunk's contracts, void ones included (the
-- chunk's lock, the run's statuses; invoices_contract_billing_date_live is partial, so it cannot).
-- journal_lines_org_contract: the journal lines of the chunk's contracts (usageAccruals.ts
-- reverseAccrualsIn), not every line of the organisation.
CREATE INDEX "invoices_contract" ON "invoices" USING btree ("contract_id","billing_date");--> statement-breakpoint
CREATE INDEX "journal_lines_org_contract" ON "journal_lines" USING btree ("org_id","contract_id");