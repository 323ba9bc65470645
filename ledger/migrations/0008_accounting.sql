CREATE TABLE "accounting_period_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"period" text NOT NULL,
	"action" text NOT NULL,
	"reason" text,
	"actor" text,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "accounting_period_events_action" CHECK ("accounting_period_events"."action" in ('close', 'reopen')),
	CONSTRAINT "accounting_period_events_reopen_reason" CHECK ("accounting_period_events"."action" <> 'reopen' or length(btrim(coalesce("accounting_period_events"."reason", ''))) > 0)
);
--> statement-breakpoint
CREATE TABLE "accounting_periods" (
	"org_id" uuid NOT NULL,
	"period" text NOT NULL,
	"status" text NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_by" text,
	CONSTRAINT "accounting_periods_pkey" PRIMARY KEY("org_id","period"),
	CONSTRAINT "accounting_periods_period" CHECK ("accounting_periods"."period" ~ '^\d{4}-(0[1-9]|1[0-2])$'),
	CONSTRAINT "accounting_periods_status" CHECK ("accounting_periods"."status" in ('open', 'closed')),
	CONSTRAINT "accounting_periods_closed_at" CHECK (("accounting_periods"."status" = 'closed') = ("accounting_periods"."closed_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"org_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"role" text,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_pkey" PRIMARY KEY("org_id","code"),
	CONSTRAINT "accounts_type" CHECK ("accounts"."type" in ('asset', 'liability', 'revenue', 'contra_revenue', 'expense')),
	CONSTRAINT "accounts_role" CHECK ("accounts"."role" is null or "accounts"."role" in ('cash', 'accounts_receivable', 'unbilled_receivable', 'deferred_revenue', 'customer_credits', 'tax_payable', 'revenue_subscription', 'revenue_usage', 'revenue_one_time', 'discounts', 'rounding')),
	CONSTRAINT "accounts_code_format" CHECK ("accounts"."code" ~ '^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$'),
	CONSTRAINT "accounts_name_not_blank" CHECK (length(btrim("accounts"."name")) between 1 and 100)
);
--> statement-breakpoint
CREATE TABLE "journal_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"source_kind" text NOT NULL,
	"source_key" text NOT NULL,
	"dated_on" date NOT NULL,
	"posted_on" date NOT NULL,
	"memo" text NOT NULL,
	"reverses_entry_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "journal_entries_source_unique" UNIQUE("org_id","source_kind","source_key"),
	CONSTRAINT "journal_entries_source_kind" CHECK ("journal_entries"."source_kind" in ('invoice', 'payment', 'credit_note', 'void', 'schedule_line', 'accrual', 'accrual_reversal', 'close')),
	CONSTRAINT "journal_entries_source_key_not_blank" CHECK (length("journal_entries"."source_key") between 1 and 200),
	CONSTRAINT "journal_entries_posted_after_dated" CHECK ("journal_entries"."posted_on" >= "journal_entries"."dated_on")
);
--> statement-breakpoint
CREATE TABLE "journal_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"entry_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"account_code" text NOT NULL,
	"debit" numeric DEFAULT '0' NOT NULL,
	"credit" numeric DEFAULT '0' NOT NULL,
	"currency" text NOT NULL,
	"customer_id" uuid,
	"contract_id" uuid,
	"invoice_id" uuid,
	"product_id" uuid,
	"memo" text,
	CONSTRAINT "journal_lines_entry_position_unique" UNIQUE("entry_id","position"),
	CONSTRAINT "journal_lines_one_side" CHECK (("journal_lines"."debit" > 0 and "journal_lines"."credit" = 0) or ("journal_lines"."credit" > 0 and "journal_lines"."debit" = 0))
);
--> statement-breakpoint
CREATE TABLE "product_revenue_accounts" (
	"org_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"account_code" text NOT NULL,
	"method" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "product_revenue_accounts_pkey" PRIMARY KEY("org_id","product_id"),
	CONSTRAINT "product_revenue_accounts_method" CHECK ("product_revenue_accounts"."method" is null or "product_revenue_accounts"."method" in ('ratable_daily', 'ratable_monthly', 'point_in_time', 'usage'))
);
--> statement-breakpoint
CREATE TABLE "revenue_schedule_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"schedule_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"recognise_on" date NOT NULL,
	"period" text NOT NULL,
	"amount" numeric NOT NULL,
	"journal_entry_id" uuid,
	CONSTRAINT "revenue_schedule_lines_schedule_position_unique" UNIQUE("schedule_id","position"),
	CONSTRAINT "revenue_schedule_lines_period" CHECK ("revenue_schedule_lines"."period" = to_char("revenue_schedule_lines"."recognise_on", 'YYYY-MM'))
);
--> statement-breakpoint
CREATE TABLE "revenue_schedules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"invoice_line_id" uuid NOT NULL,
	"product_id" uuid,
	"method" text NOT NULL,
	"amount" numeric NOT NULL,
	"currency" text NOT NULL,
	"service_start" date NOT NULL,
	"service_end" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "revenue_schedules_invoice_line_unique" UNIQUE("invoice_line_id"),
	CONSTRAINT "revenue_schedules_method" CHECK ("revenue_schedules"."method" in ('ratable_daily', 'ratable_monthly', 'point_in_time', 'usage')),
	CONSTRAINT "revenue_schedules_service_period" CHECK ("revenue_schedules"."service_end" > "revenue_schedules"."service_start")
);
--> statement-breakpoint
ALTER TABLE "accounting_period_events" ADD CONSTRAINT "accounting_period_events_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounting_periods" ADD CONSTRAINT "accounting_periods_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_entries" ADD CONSTRAINT "journal_entries_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_entries" ADD CONSTRAINT "journal_entries_reverses_entry_id_journal_entries_id_fk" FOREIGN KEY ("reverses_entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_lines" ADD CONSTRAINT "journal_lines_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_lines" ADD CONSTRAINT "journal_lines_entry_id_journal_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_lines" ADD CONSTRAINT "journal_lines_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_lines" ADD CONSTRAINT "journal_lines_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_lines" ADD CONSTRAINT "journal_lines_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_lines" ADD CONSTRAINT "journal_lines_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_lines" ADD CONSTRAINT "journal_lines_account_fk" FOREIGN KEY ("org_id","account_code") REFERENCES "public"."accounts"("org_id","code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_revenue_accounts" ADD CONSTRAINT "product_revenue_accounts_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_revenue_accounts" ADD CONSTRAINT "product_revenue_accounts_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_revenue_accounts" ADD CONSTRAINT "product_revenue_accounts_account_fk" FOREIGN KEY ("org_id","account_code") REFERENCES "public"."accounts"("org_id","code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revenue_schedule_lines" ADD CONSTRAINT "revenue_schedule_lines_schedule_id_revenue_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."revenue_schedules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revenue_schedule_lines" ADD CONSTRAINT "revenue_schedule_lines_journal_entry_id_journal_entries_id_fk" FOREIGN KEY ("journal_entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revenue_schedules" ADD CONSTRAINT "revenue_schedules_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revenue_schedules" ADD CONSTRAINT "revenue_schedules_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revenue_schedules" ADD CONSTRAINT "revenue_schedules_invoice_line_id_invoice_lines_id_fk" FOREIGN KEY ("invoice_line_id") REFERENCES "public"."invoice_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revenue_schedules" ADD CONSTRAINT "revenue_schedules_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "accounting_period_events_org_period" ON "accounting_period_events" USING btree ("org_id","period","at");--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_org_role_unique" ON "accounts" USING btree ("org_id","role") WHERE role is not null and role not like 'revenue_%';--> statement-breakpoint
CREATE UNIQUE INDEX "journal_entries_reverses_unique" ON "journal_entries" USING btree ("reverses_entry_id");--> statement-breakpoint
CREATE INDEX "journal_entries_org_posted_on" ON "journal_entries" USING btree ("org_id","posted_on");--> statement-breakpoint
CREATE INDEX "journal_lines_org_invoice" ON "journal_lines" USING btree ("org_id","invoice_id");--> statement-breakpoint
CREATE INDEX "journal_lines_org_account" ON "journal_lines" USING btree ("org_id","account_code");--> statement-breakpoint
CREATE INDEX "revenue_schedule_lines_period" ON "revenue_schedule_lines" USING btree ("period");--> statement-breakpoint
CREATE INDEX "revenue_schedules_org_invoice" ON "revenue_schedules" USING btree ("org_id","invoice_id");