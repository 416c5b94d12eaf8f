-- CreateTable
CREATE TABLE "InboundUrlSecret" (
    "connectionId" TEXT NOT NULL,
    "ciphertext" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InboundUrlSecret_pkey" PRIMARY KEY ("connectionId")
);

-- AddForeignKey
ALTER TABLE "InboundUrlSecret" ADD CONSTRAINT "InboundUrlSecret_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

