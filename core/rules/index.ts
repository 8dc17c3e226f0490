export { FLEET_RULES, runFleetRules } from "./fleet-rules.ts";
export type { FleetFacts, Located, FleetRule } from "./fleet-rule.ts";
