export { formatGithub } from "./github.ts";
export { formatJson, jsonReport, type JsonProblem, type JsonReport } from "./json.ts";
export { formatText, type TextOptions } from "./text.ts";
