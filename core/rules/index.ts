export { FLEET_RULES, runRules } from "./rules.ts";
export type { FleetFacts, Located, Rule } from "./rule.ts";
