-- CreateEnum
CREATE TYPE "PaymentStatus" AS ENUM ('not_required', 'pending', 'completed', 'failed', 'refunded');

-- CreateEnum
CREATE TYPE "RegistrationStatus" AS ENUM ('registered', 'cancelled', 'attended');

-- CreateTable
CREATE TABLE "WebinarSession" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "durationMinutes" INTEGER NOT NULL DEFAULT 60,
    "capacity" INTEGER,
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "onlineUrl" TEXT,
    "priceMinor" INTEGER,
    "currency" TEXT NOT NULL DEFAULT 'eur',
    "odooEventId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebinarSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Registration" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "phone" TEXT,
    "company" TEXT,
    "language" TEXT NOT NULL DEFAULT 'en',
    "status" "RegistrationStatus" NOT NULL DEFAULT 'registered',
    "paymentStatus" "PaymentStatus" NOT NULL DEFAULT 'not_required',
    "paymentIntentId" TEXT,
    "amountPaidMinor" INTEGER,
    "odooRegistrationId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Registration_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WebinarSession_workspaceId_startsAt_idx" ON "WebinarSession"("workspaceId", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "Registration_paymentIntentId_key" ON "Registration"("paymentIntentId");

-- CreateIndex
CREATE INDEX "Registration_workspaceId_createdAt_idx" ON "Registration"("workspaceId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Registration_sessionId_email_key" ON "Registration"("sessionId", "email");

-- AddForeignKey
ALTER TABLE "WebinarSession" ADD CONSTRAINT "WebinarSession_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Registration" ADD CONSTRAINT "Registration_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Registration" ADD CONSTRAINT "Registration_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "WebinarSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;

