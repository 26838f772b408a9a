-- Trials trained by a user's script (an external trainer declared on the workers).
-- AlterTable
ALTER TABLE "Trial" ADD COLUMN "trainer" TEXT,
ADD COLUMN "outputTail" TEXT,
ADD COLUMN "lrMismatch" TEXT;
