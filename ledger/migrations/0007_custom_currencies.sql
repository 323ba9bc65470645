CREATE TABLE "currencies" (
	"org_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"precision" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "currencies_pkey" PRIMARY KEY("org_id","code"),
	CONSTRAINT "currencies_code_format" CHECK ("currencies"."code" ~ '^[A-Z][A-Z0-9_]{1,31}$'),
	CONSTRAINT "currencies_precision_range" CHECK ("currencies"."precision" between 0 and 12),
	CONSTRAINT "currencies_name_not_blank" CHECK (length(btrim("currencies"."name")) between 1 and 100)
);
--> statement-breakpoint
ALTER TABLE "customers" DROP CONSTRAINT "customers_currency_format";--> statement-breakpoint
ALTER TABLE "customers" ALTER COLUMN "currency" SET DATA TYPE text;--> statement-breakpoint
ALTER TABLE "customers" ALTER COLUMN "currency" SET DEFAULT 'USD';--> statement-breakpoint
ALTER TABLE "currencies" ADD CONSTRAINT "currencies_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_currency_format" CHECK ("customers"."currency" ~ '^[A-Z][A-Z0-9_]{1,31}$');