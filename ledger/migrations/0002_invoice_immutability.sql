-- Finalized invoices never change (DESIGN invariant 4). The repositories only ever write
-- drafts; these triggers make the database refuse anything else, whoever the writer is.
-- SQLSTATE 55000 (object_not_in_prerequisite_state) is mapped to a 409 by the repositories.
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
    OR NEW.contract_id IS DISTINCT FROM OLD.contract_id OR NEW.currency IS DISTINCT FROM OLD.currency) THEN
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
CREATE TRIGGER invoices_guard BEFORE UPDATE OR DELETE ON invoices FOR EACH ROW EXECUTE FUNCTION tally_invoice_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_invoice_line_guard() RETURNS trigger AS $$
DECLARE
  invoice_status text;
BEGIN
  SELECT status INTO invoice_status FROM invoices WHERE id = COALESCE(NEW.invoice_id, OLD.invoice_id);
  IF invoice_status IS NOT NULL AND invoice_status <> 'draft' THEN
    RAISE EXCEPTION 'invoice % is %, its lines cannot change', COALESCE(NEW.invoice_id, OLD.invoice_id), invoice_status USING ERRCODE = '55000';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER invoice_lines_guard BEFORE INSERT OR UPDATE OR DELETE ON invoice_lines FOR EACH ROW EXECUTE FUNCTION tally_invoice_line_guard();
