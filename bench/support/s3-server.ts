// The fake S3 for bench/storage, in a process of its own (so its buffers and hashing are not
// counted in the app's memory): keeps no bodies, prints `listening <port>`, stops on SIGTERM.
import { startFakeS3 } from "@/tests/fakes/s3";

const fake = await startFakeS3({ keepBodies: false });
fake.createBucket(process.env.BENCH_S3_BUCKET ?? "bench-uploads", { region: "eu-central-1" });
fake.addKey(process.env.BENCH_S3_KEY_ID ?? "AKIABENCH00000000001", process.env.BENCH_S3_SECRET ?? "bench-secret-key-0000000000000000000000");
console.log(`listening ${fake.port}`);
process.on("SIGTERM", () => void fake.close().then(() => process.exit(0)));
