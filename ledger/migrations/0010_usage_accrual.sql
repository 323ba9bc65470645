-- Usage revenue recognised as consumed (issue 14): a product mapped with accrue_usage accrues its
-- metered usage not invoiced yet at each month end (Dr Unbilled receivable / Cr Usage revenue),
-- reversed when the invoice billing it posts. Default false: usage is recognised as billed.
ALTER TABLE "product_revenue_accounts" ADD COLUMN "accrue_usage" boolean DEFAULT false NOT NULL;