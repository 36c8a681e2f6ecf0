// Fails the build when web/openapi.json (the server's contract, kept equal to /api/openapi.json by the Java test
// ApiContractTest) is not a valid OpenAPI 3.1 document, before the dashboard's types are generated from it.
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";

const document = JSON.parse(readFileSync(new URL("../openapi.json", import.meta.url), "utf8"));
const validator = new Validator();
const result = await validator.validate(document);
if (!result.valid) {
  console.error("web/openapi.json is not a valid OpenAPI document:");
  console.error(JSON.stringify(result.errors, null, 2));
  process.exit(1);
}
if (validator.version !== "3.1") {
  console.error(`web/openapi.json is OpenAPI ${validator.version}; the server is expected to publish 3.1.`);
  process.exit(1);
}
console.log(`web/openapi.json: valid OpenAPI ${validator.version}`);
