ALTER TABLE "source_connections" DROP CONSTRAINT "source_connections_kind";--> statement-breakpoint
ALTER TABLE "source_connections" ADD CONSTRAINT "source_connections_kind" CHECK ("source_connections"."kind" in ('postgres', 'mysql', 'files', 'clickhouse'));
