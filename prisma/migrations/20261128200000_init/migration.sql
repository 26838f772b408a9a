-- CreateEnum
CREATE TYPE "SweepStatus" AS ENUM ('queued', 'running', 'completed', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "TrialState" AS ENUM ('queued', 'running', 'completed', 'failed', 'diverged', 'cancelled');

-- CreateTable
CREATE TABLE "Sweep" (
    "id" UUID NOT NULL,
    "project" TEXT NOT NULL DEFAULT 'default',
    "name" TEXT NOT NULL,
    "status" "SweepStatus" NOT NULL DEFAULT 'queued',
    "spec" JSONB NOT NULL,
    "objectiveMetric" TEXT NOT NULL,
    "objectiveMode" TEXT NOT NULL,
    "totalTrials" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Sweep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Trial" (
    "id" UUID NOT NULL,
    "sweepId" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "scheduleKey" TEXT NOT NULL,
    "schedule" JSONB NOT NULL,
    "seed" INTEGER NOT NULL,
    "state" "TrialState" NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "worker" TEXT,
    "backend" TEXT,
    "error" TEXT,
    "divergedEpoch" INTEGER,
    "epochsDone" INTEGER NOT NULL DEFAULT 0,
    "finalTrainLoss" DOUBLE PRECISION,
    "finalValLoss" DOUBLE PRECISION,
    "finalValAcc" DOUBLE PRECISION,
    "objective" DOUBLE PRECISION,
    "seconds" DOUBLE PRECISION,
    "checkpoint" JSONB,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Trial_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Epoch" (
    "trialId" UUID NOT NULL,
    "epoch" INTEGER NOT NULL,
    "lr" DOUBLE PRECISION NOT NULL,
    "trainLoss" DOUBLE PRECISION NOT NULL,
    "valLoss" DOUBLE PRECISION NOT NULL,
    "valAcc" DOUBLE PRECISION NOT NULL,
    "seconds" DOUBLE PRECISION NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Epoch_pkey" PRIMARY KEY ("trialId","epoch")
);

-- CreateIndex
CREATE INDEX "Sweep_project_createdAt_idx" ON "Sweep"("project", "createdAt");

-- CreateIndex
CREATE INDEX "Trial_sweepId_state_idx" ON "Trial"("sweepId", "state");

-- CreateIndex
CREATE INDEX "Trial_sweepId_scheduleKey_idx" ON "Trial"("sweepId", "scheduleKey");

-- CreateIndex
CREATE INDEX "Trial_state_idx" ON "Trial"("state");

-- CreateIndex
CREATE UNIQUE INDEX "Trial_sweepId_index_key" ON "Trial"("sweepId", "index");

-- AddForeignKey
ALTER TABLE "Trial" ADD CONSTRAINT "Trial_sweepId_fkey" FOREIGN KEY ("sweepId") REFERENCES "Sweep"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Epoch" ADD CONSTRAINT "Epoch_trialId_fkey" FOREIGN KEY ("trialId") REFERENCES "Trial"("id") ON DELETE CASCADE ON UPDATE CASCADE;
