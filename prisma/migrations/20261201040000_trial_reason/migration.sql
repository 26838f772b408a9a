-- Seed racing adds trials to a running sweep: each says why it was added.
-- AlterTable
ALTER TABLE "Trial" ADD COLUMN "reason" TEXT;
