-- Packed training: a worker trains several trials of one sweep together; each says which pack it ran in.
-- AlterTable
ALTER TABLE "Trial" ADD COLUMN "packId" UUID,
ADD COLUMN "packSize" INTEGER;
