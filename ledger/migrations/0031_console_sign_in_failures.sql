CREATE TABLE "console_sign_in_failures" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "console_sign_in_failures_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"limit_key" text NOT NULL,
	"failed_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "console_sign_in_failures_key" ON "console_sign_in_failures" USING btree ("limit_key","failed_at");--> statement-breakpoint
CREATE INDEX "console_sign_in_failures_at" ON "console_sign_in_failures" USING btree ("failed_at");