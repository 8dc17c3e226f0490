/**
 * The first install makes one team member SIP's and SEI's administrator, who
 * logs in through the directory (every reference account is deactivated): so
 * exactly one member is marked, that member has a login, and from training on
 * (when people use the instance) the mark is required.
 */
import { markedAdministrators, needsFirstAdministrator } from "../schema/municipality.ts";
import type { FleetRule } from "./fleet-rule.ts";
import { finding } from "./fleet-rule.ts";

export const firstAdministrator: FleetRule = {
  id: "first-administrator",
  description: "At most one team member is firstAdministrator, with a login; from phase training on, exactly one is.",
  check({ municipalities }) {
    return municipalities.flatMap((doc) => {
      const { team, phase } = doc.value.spec;
      const marked = markedAdministrators(team);
      const [first, ...others] = marked;
      if (first === undefined) {
        if (!needsFirstAdministrator(phase)) return [];
        return [
          finding(doc, {
            path: ["spec", "team"],
            at: "key",
            message: `needs a first administrator when phase is "${phase}": mark one member (with a login) firstAdministrator: true; the first install deactivates every reference account, so nobody else can administer the instance`,
          }),
        ];
      }
      const found = others.map(({ role }) =>
        finding(doc, {
          path: ["spec", "team", role, "firstAdministrator"],
          message: `is also set on team.${first.role}: exactly one member is the first administrator`,
        }),
      );
      if (first.member.login === undefined) {
        found.push(
          finding(doc, {
            path: ["spec", "team", first.role],
            at: "key",
            message:
              "is the first administrator but has no login: give the login name the directory knows this person by",
          }),
        );
      }
      return found;
    });
  },
};
