-- AlterTable
ALTER TABLE "Connection" ADD COLUMN     "pausedAt" TIMESTAMP(3);

