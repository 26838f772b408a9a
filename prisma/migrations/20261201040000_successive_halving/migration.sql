-- Successive halving: trials left behind at a rung end `stopped`; each trial carries its rung
-- and the rung's length in epochs (null in a grid sweep: the task's epochs).
-- AlterEnum
ALTER TYPE "TrialState" ADD VALUE 'stopped';

-- AlterTable
ALTER TABLE "Trial" ADD COLUMN "rung" INTEGER,
ADD COLUMN "budgetEpochs" INTEGER,
ADD COLUMN "stopReason" TEXT;
