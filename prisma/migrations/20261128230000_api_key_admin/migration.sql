-- Admin keys: the operator routes (/metrics, /admin/queues) show every project, so a project key alone must not read them.
-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN "admin" BOOLEAN NOT NULL DEFAULT false;
