-- A deployment's identity, made once here and bound to its queue prefix in Redis at first start:
-- two deployments (two databases) pointed at one Redis with one prefix would take each other's trials.
-- CreateTable
CREATE TABLE "Deployment" (
    "id" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Deployment_pkey" PRIMARY KEY ("id")
);

-- The one row: its id is this database's deployment id.
INSERT INTO "Deployment" ("id") VALUES (gen_random_uuid());
