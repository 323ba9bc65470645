-- Journals balance (DESIGN invariant 6), enforced by the database whoever the writer is.
-- A constraint trigger DEFERRABLE INITIALLY DEFERRED runs at commit, after every line of the
-- transaction is in: it refuses an entry with no lines, or whose debits and credits differ in
-- any currency (SQLSTATE 23514, constraint journal_entries_balanced). It is on both tables so
-- an entry inserted without any line is caught too.
CREATE OR REPLACE FUNCTION tally_journal_balance() RETURNS trigger AS $$
DECLARE
  entry uuid;
  unbalanced record;
BEGIN
  -- NOTE: NEW has entry_id only on journal_lines; each branch is planned only when it runs.
  IF TG_TABLE_NAME = 'journal_entries' THEN
    entry := NEW.id;
  ELSE
    entry := NEW.entry_id;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM journal_lines WHERE entry_id = entry) THEN
    RAISE EXCEPTION 'journal entry % has no lines', entry
      USING ERRCODE = '23514', CONSTRAINT = 'journal_entries_balanced';
  END IF;
  SELECT currency, sum(debit) AS debits, sum(credit) AS credits INTO unbalanced
    FROM journal_lines WHERE entry_id = entry
    GROUP BY currency HAVING sum(debit) <> sum(credit) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'journal entry % does not balance in %: debits %, credits %', entry, unbalanced.currency, unbalanced.debits, unbalanced.credits
      USING ERRCODE = '23514', CONSTRAINT = 'journal_entries_balanced';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER journal_entries_balanced AFTER INSERT ON journal_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tally_journal_balance();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER journal_lines_balanced AFTER INSERT ON journal_lines
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tally_journal_balance();
--> statement-breakpoint
-- Posted entries never change: a correction is a reversing entry. SQLSTATE 55000 like the
-- invoice guard (0002).
CREATE OR REPLACE FUNCTION tally_journal_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% rows are posted and never change; post a reversing entry instead', TG_TABLE_NAME
    USING ERRCODE = '55000';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER journal_entries_immutable BEFORE UPDATE OR DELETE ON journal_entries
  FOR EACH ROW EXECUTE FUNCTION tally_journal_immutable();
--> statement-breakpoint
CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON journal_entries
  FOR EACH STATEMENT EXECUTE FUNCTION tally_journal_immutable();
--> statement-breakpoint
CREATE TRIGGER journal_lines_immutable BEFORE UPDATE OR DELETE ON journal_lines
  FOR EACH ROW EXECUTE FUNCTION tally_journal_immutable();
--> statement-breakpoint
CREATE TRIGGER journal_lines_no_truncate BEFORE TRUNCATE ON journal_lines
  FOR EACH STATEMENT EXECUTE FUNCTION tally_journal_immutable();
--> statement-breakpoint
-- An entry is written whole in one transaction: its created_at is that transaction's start,
-- and a line for an entry created by an earlier transaction is refused (adding a balanced
-- pair to a posted entry would change it). Nothing is posted into a closed period; the
-- repository moves such an entry to the first open one before it gets here.
CREATE OR REPLACE FUNCTION tally_journal_entry_insert() RETURNS trigger AS $$
BEGIN
  NEW.created_at := transaction_timestamp();
  IF EXISTS (SELECT 1 FROM accounting_periods
             WHERE org_id = NEW.org_id AND period = to_char(NEW.posted_on, 'YYYY-MM') AND status = 'closed') THEN
    RAISE EXCEPTION 'period % is closed; post into the first open period', to_char(NEW.posted_on, 'YYYY-MM')
      USING ERRCODE = '55000';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER journal_entries_insert BEFORE INSERT ON journal_entries
  FOR EACH ROW EXECUTE FUNCTION tally_journal_entry_insert();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_journal_line_insert() RETURNS trigger AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM journal_entries
                 WHERE id = NEW.entry_id AND org_id = NEW.org_id AND created_at = transaction_timestamp()) THEN
    RAISE EXCEPTION 'journal entry % was posted by another transaction (or belongs to another organisation); its lines never change', NEW.entry_id
      USING ERRCODE = '55000';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER journal_lines_insert BEFORE INSERT ON journal_lines
  FOR EACH ROW EXECUTE FUNCTION tally_journal_line_insert();
