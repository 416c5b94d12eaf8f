// `npm run admin:create -- --email E --password P [--role admin|viewer] [--workspace NAME] [--name NAME]`
import { parseArgs } from "node:util";
import { createUserWithWorkspace } from "@/lib/auth/users";
import { runCli } from "@/lib/db/cli";

const usage = "usage: npm run admin:create -- --email E --password P [--role admin|viewer] [--workspace NAME] [--name NAME]";
let values: Record<string, string | undefined>;
try {
  ({ values } = parseArgs({
    options: { email: { type: "string" }, password: { type: "string" }, role: { type: "string" }, workspace: { type: "string" }, name: { type: "string" } },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
const role = values.role ?? "admin";
if (!values.email || !values.password || (role !== "admin" && role !== "viewer")) {
  console.error(usage);
  process.exit(2);
}

await runCli(async ({ db }) => {
  const { user, workspace } = await createUserWithWorkspace(db, {
    email: values.email!,
    password: values.password!,
    role: role as "admin" | "viewer",
    workspaceName: values.workspace,
    name: values.name,
  });
  console.log(`created ${user.role} ${user.email} in workspace "${workspace.name}"`);
});
