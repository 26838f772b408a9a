-- A script reports any metrics by name: none of the three named ones is required any more,
-- and every other metric is kept in one JSONB column.
-- AlterTable
ALTER TABLE "Epoch" ALTER COLUMN "trainLoss" DROP NOT NULL,
ALTER COLUMN "valLoss" DROP NOT NULL,
ALTER COLUMN "valAcc" DROP NOT NULL,
ADD COLUMN "metrics" JSONB;
