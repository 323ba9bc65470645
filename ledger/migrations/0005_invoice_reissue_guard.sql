-- A reissue links the new invoice to the void one it re-bills (`replaces_invoice_id`, 0004).
-- That link is part of the audit trail: like the content, it cannot change once the invoice
-- is final. Same function as 0002 with `replaces_invoice_id` added to the frozen columns.
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
    OR NEW.replaces_invoice_id IS DISTINCT FROM OLD.replaces_invoice_id) THEN
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
